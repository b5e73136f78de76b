// Reserved (Reserved.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

int Reserved_min(int a) {
    return a;
}

__kernel void Reserved_names(__global float* half_, int half_length, __global float* global_, int uint_, int half__length, int global__length) {
    int i = (int)get_global_id(0);
    float exp_ = half_[i];
    float float4_ = 1.0f;
    int signed_ = uint_ + half_length + half__length;
    int __x_ = 1;
    global_[i] = exp_ * float4_ + signed_ + __x_ + Reserved_min(i);
}
