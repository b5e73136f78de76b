// Switch (Switch.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__kernel void Switch_classic(__global int* a, int a_length) {
    int i = (int)get_global_id(0);
    int r = 0;
    switch (a[i]) {
        case 0: {
            r = 10;
            break;
        }
        case 1:
        case 2: {
            r = 20;
        }
        case -3: {
            int t = r + 1;
            r = t;
            break;
        }
        default: {
            r = -1;
        }
    }
    a[i] = r;
}

__kernel void Switch_arrows(__global int* a, __global short* s, int a_length, int s_length) {
    int i = (int)get_global_id(0);
    switch (s[i]) {
        case 1: case 2: {
            a[i] = 1;
            break;
        }
        case 3: {
            a[i] = 3;
            a[i] += 1;
            break;
        }
        default: {
            a[i] = 0;
            break;
        }
    }
}
