// Fields (Fields.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__kernel void Fields_fields(__global int* out, int out_length) {
    int base = ((int)get_global_id(1) * (int)get_global_size(0) + (int)get_global_id(0)) * 8;
    out[base] = (int)get_local_id(0);
    out[base + 1] = (int)get_local_id(1);
    out[base + 2] = (int)get_group_id(0);
    out[base + 3] = (int)get_group_id(1);
    out[base + 4] = (int)get_global_size(1);
    out[base + 5] = (int)get_local_size(0);
    out[base + 6] = (int)get_local_size(1);
    out[base + 7] = (int)get_global_id(0);
}
