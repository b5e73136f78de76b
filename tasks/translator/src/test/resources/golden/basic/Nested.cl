// Nested$Inner (Nested.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__kernel void Inner_copy(__global int* from, __global int* to, int from_length, int to_length) {
    to[(int)get_global_id(0)] = from[(int)get_global_id(0)];
}
