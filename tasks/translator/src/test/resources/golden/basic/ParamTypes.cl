// ParamTypes (ParamTypes.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__kernel void ParamTypes_all(int i, long l, float f, short s, char b, __global float* fa, __global int* ia, __global short* sa, __global char* ba, __global long* la, int fa_length, int ia_length, int sa_length, int ba_length, int la_length) {
    int k = (int)get_global_id(0);
    fa[k] = f + fa_length;
    ia[k] = i + ia_length;
    sa[k] = s;
    ba[k] = b;
    la[k] = l + la_length;
}
