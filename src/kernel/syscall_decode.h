/* Decoders of memory system call arguments and results: pure functions that turn numbers
 * into the names of the Linux UAPI (x86_64 values), for the watch/mmap/shm logs. */
#ifndef MEMMON_SYSCALL_DECODE_H
#define MEMMON_SYSCALL_DECODE_H
#include <stddef.h>
#include <stdint.h>

/* "rwx" with '-' for missing rights ("---" is PROT_NONE); other bits as "|0x...". */
const char *decode_prot(uint64_t prot, char *buf, size_t n);
/* "MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED" (MAP_HUGE_2MB etc. for the huge page size). */
const char *decode_mmap_flags(uint64_t flags, char *buf, size_t n);
/* "MREMAP_MAYMOVE|MREMAP_FIXED", "0" if none. */
const char *decode_mremap_flags(uint64_t flags, char *buf, size_t n);
/* "MADV_DONTNEED"; unknown values as a number. */
const char *decode_madvise(uint64_t advice, char *buf, size_t n);
/* mlock2 flags ("MLOCK_ONFAULT") and mlockall flags ("MCL_CURRENT|MCL_FUTURE"). */
const char *decode_mlock2_flags(uint64_t flags, char *buf, size_t n);
const char *decode_mlockall_flags(uint64_t flags, char *buf, size_t n);
/* shmget: "IPC_CREAT|IPC_EXCL|SHM_HUGETLB|0600" (permission bits in octal). */
const char *decode_shmget_flags(uint64_t flags, char *buf, size_t n);
/* shmget's key: "IPC_PRIVATE" or "0x1234abcd". */
const char *decode_ipc_key(uint64_t key, char *buf, size_t n);
/* shmat: "SHM_RDONLY|SHM_RND", "0" if none. */
const char *decode_shmat_flags(uint64_t flags, char *buf, size_t n);
/* shmctl's command: "IPC_RMID", "SHM_LOCK", ... (IPC_64 is dropped). */
const char *decode_shmctl_cmd(uint64_t cmd, char *buf, size_t n);
/* "ENOMEM" for 12; "E123" when unknown. */
const char *decode_errno(int err, char *buf, size_t n);
/* A system call's raw return: an errno when in [-4095, -1]. */
int decode_ret_errno(int64_t ret);

#endif
