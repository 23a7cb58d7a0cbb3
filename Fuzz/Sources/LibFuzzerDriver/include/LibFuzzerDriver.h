// libFuzzer's documented entry point for programs that have a main of their own (SwiftPM
// names each executable's entry point, so the targets cannot use libFuzzer's main).
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));
