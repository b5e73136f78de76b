// Booleans (Booleans.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__kernel void Booleans_flags(__global int* a, int n, int a_length) {
    int i = (int)get_global_id(0);
    bool inside = i < n;
    bool odd = (i & 1) == 1;
    bool both = inside && odd;
    bool either = inside || !odd || (odd && inside);
    bool strict = inside & odd | either ^ both;
    strict &= inside;
    strict |= odd;
    if (both != either && strict == true) {
        a[i] = inside ? 1 : 0;
    }
}
