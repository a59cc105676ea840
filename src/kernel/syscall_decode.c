#include "kernel/syscall_decode.h"
#include <stdio.h>
#include <string.h>

struct flag_name {
	uint64_t bit;
	const char *name;
};

/* Appends "NAME" for each set bit of the table, then the leftover bits in hex. */
static const char *decode_flags(uint64_t flags, const struct flag_name *t, size_t nt,
				char *buf, size_t n)
{
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < nt; i++) {
		if (!(flags & t[i].bit) || (flags & t[i].bit) != t[i].bit)
			continue;
		int w = snprintf(buf + len, n - len, "%s%s", len ? "|" : "", t[i].name);
		if (w < 0 || (size_t)w >= n - len)
			return buf;
		len += w;
		flags &= ~t[i].bit;
	}
	if (!flags && !len)
		snprintf(buf, n, "0");
	else if (flags)
		snprintf(buf + len, n - len, "%s0x%llx", len ? "|" : "", (unsigned long long)flags);
	return buf;
}

/* "|MAP_HUGE_2MB" for log2(size) = 21: the huge page size field of mmap and shmget. */
static void huge_size_name(unsigned shift, const char *prefix, char *buf, size_t n)
{
	static const char *const units[] = { "B", "KB", "MB", "GB", "TB", "PB", "EB" };
	snprintf(buf, n, "|%s_%llu%s", prefix, 1ULL << (shift % 10), units[shift / 10]);
}

const char *decode_prot(uint64_t prot, char *buf, size_t n)
{
	char rwx[4] = { prot & 1 ? 'r' : '-', prot & 2 ? 'w' : '-', prot & 4 ? 'x' : '-', 0 };
	uint64_t rest = prot & ~7ULL;
	static const struct flag_name extra[] = {
		{ 0x01000000, "PROT_GROWSDOWN" }, { 0x02000000, "PROT_GROWSUP" },
		{ 0x10, "PROT_BTI" }, { 0x20, "PROT_MTE" },
	};
	if (!rest) {
		snprintf(buf, n, "%s", rwx);
		return buf;
	}
	char tail[96];
	decode_flags(rest, extra, sizeof(extra) / sizeof(extra[0]), tail, sizeof(tail));
	snprintf(buf, n, "%s|%s", rwx, tail);
	return buf;
}

const char *decode_mmap_flags(uint64_t flags, char *buf, size_t n)
{
	static const struct flag_name t[] = {
		{ 0x03, "MAP_SHARED_VALIDATE" }, { 0x01, "MAP_SHARED" }, { 0x02, "MAP_PRIVATE" },
		{ 0x10, "MAP_FIXED" }, { 0x20, "MAP_ANONYMOUS" }, { 0x40, "MAP_32BIT" },
		{ 0x100, "MAP_GROWSDOWN" }, { 0x800, "MAP_DENYWRITE" }, { 0x1000, "MAP_EXECUTABLE" },
		{ 0x2000, "MAP_LOCKED" }, { 0x4000, "MAP_NORESERVE" }, { 0x8000, "MAP_POPULATE" },
		{ 0x10000, "MAP_NONBLOCK" }, { 0x20000, "MAP_STACK" }, { 0x40000, "MAP_HUGETLB" },
		{ 0x80000, "MAP_SYNC" }, { 0x100000, "MAP_FIXED_NOREPLACE" },
		{ 0x4000000, "MAP_UNINITIALIZED" },
	};
	/* The huge page size is log2 in bits 26..31 when MAP_HUGETLB is set. */
	unsigned shift = (flags >> 26) & 0x3f;
	char size[32] = "";
	if ((flags & 0x40000) && shift) {
		flags &= ~(0x3fULL << 26);
		huge_size_name(shift, "MAP_HUGE", size, sizeof(size));
	}
	decode_flags(flags, t, sizeof(t) / sizeof(t[0]), buf, n);
	size_t len = strlen(buf);
	snprintf(buf + len, n - len, "%s", size);
	return buf;
}

const char *decode_mremap_flags(uint64_t flags, char *buf, size_t n)
{
	static const struct flag_name t[] = {
		{ 1, "MREMAP_MAYMOVE" }, { 2, "MREMAP_FIXED" }, { 4, "MREMAP_DONTUNMAP" },
	};
	return decode_flags(flags, t, sizeof(t) / sizeof(t[0]), buf, n);
}

const char *decode_madvise(uint64_t advice, char *buf, size_t n)
{
	static const char *const names[] = {
		[0] = "MADV_NORMAL", [1] = "MADV_RANDOM", [2] = "MADV_SEQUENTIAL",
		[3] = "MADV_WILLNEED", [4] = "MADV_DONTNEED", [8] = "MADV_FREE",
		[9] = "MADV_REMOVE", [10] = "MADV_DONTFORK", [11] = "MADV_DOFORK",
		[12] = "MADV_MERGEABLE", [13] = "MADV_UNMERGEABLE", [14] = "MADV_HUGEPAGE",
		[15] = "MADV_NOHUGEPAGE", [16] = "MADV_DONTDUMP", [17] = "MADV_DODUMP",
		[18] = "MADV_WIPEONFORK", [19] = "MADV_KEEPONFORK", [20] = "MADV_COLD",
		[21] = "MADV_PAGEOUT", [22] = "MADV_POPULATE_READ", [23] = "MADV_POPULATE_WRITE",
		[24] = "MADV_DONTNEED_LOCKED", [25] = "MADV_COLLAPSE",
		[100] = "MADV_HWPOISON", [101] = "MADV_SOFT_OFFLINE",
	};
	if (advice < sizeof(names) / sizeof(names[0]) && names[advice])
		snprintf(buf, n, "%s", names[advice]);
	else
		snprintf(buf, n, "%llu", (unsigned long long)advice);
	return buf;
}

const char *decode_mlock2_flags(uint64_t flags, char *buf, size_t n)
{
	static const struct flag_name t[] = { { 1, "MLOCK_ONFAULT" } };
	return decode_flags(flags, t, 1, buf, n);
}

const char *decode_mlockall_flags(uint64_t flags, char *buf, size_t n)
{
	static const struct flag_name t[] = {
		{ 1, "MCL_CURRENT" }, { 2, "MCL_FUTURE" }, { 4, "MCL_ONFAULT" },
	};
	return decode_flags(flags, t, sizeof(t) / sizeof(t[0]), buf, n);
}

const char *decode_shmget_flags(uint64_t flags, char *buf, size_t n)
{
	static const struct flag_name t[] = {
		{ 01000, "IPC_CREAT" }, { 02000, "IPC_EXCL" }, { 04000, "SHM_HUGETLB" },
		{ 010000, "SHM_NORESERVE" },
	};
	unsigned mode = flags & 0777;
	flags &= ~0777ULL;
	/* The huge page size (SHM_HUGE_*) is log2 in bits 26..31, as for mmap. */
	unsigned shift = (flags >> 26) & 0x3f;
	char size[32] = "";
	if (shift) {
		flags &= ~(0x3fULL << 26);
		huge_size_name(shift, "SHM_HUGE", size, sizeof(size));
	}
	size_t len = 0;
	buf[0] = '\0';
	if (flags) {
		decode_flags(flags, t, sizeof(t) / sizeof(t[0]), buf, n);
		len = strlen(buf);
	}
	snprintf(buf + len, n - len, "%s%s0%o", size, len || size[0] ? "|" : "", mode);
	return buf;
}

const char *decode_ipc_key(uint64_t key, char *buf, size_t n)
{
	if ((int32_t)key == 0)
		snprintf(buf, n, "IPC_PRIVATE");
	else
		snprintf(buf, n, "0x%x", (uint32_t)key);
	return buf;
}

const char *decode_shmat_flags(uint64_t flags, char *buf, size_t n)
{
	static const struct flag_name t[] = {
		{ 010000, "SHM_RDONLY" }, { 020000, "SHM_RND" }, { 040000, "SHM_REMAP" },
		{ 0100000, "SHM_EXEC" },
	};
	return decode_flags(flags, t, sizeof(t) / sizeof(t[0]), buf, n);
}

const char *decode_shmctl_cmd(uint64_t cmd, char *buf, size_t n)
{
	static const char *const names[] = {
		[0] = "IPC_RMID", [1] = "IPC_SET", [2] = "IPC_STAT", [3] = "IPC_INFO",
		[11] = "SHM_LOCK", [12] = "SHM_UNLOCK", [13] = "SHM_STAT", [14] = "SHM_INFO",
		[15] = "SHM_STAT_ANY",
	};
	uint64_t c = cmd & ~0x100ULL; /* IPC_64: the struct layout, not the command */
	if (c < sizeof(names) / sizeof(names[0]) && names[c])
		snprintf(buf, n, "%s", names[c]);
	else
		snprintf(buf, n, "%llu", (unsigned long long)cmd);
	return buf;
}

const char *decode_errno(int err, char *buf, size_t n)
{
	const char *name = err > 0 ? strerrorname_np(err) : NULL;
	if (name)
		snprintf(buf, n, "%s", name);
	else
		snprintf(buf, n, "E%d", err);
	return buf;
}

int decode_ret_errno(int64_t ret)
{
	return ret < 0 && ret >= -4095 ? (int)-ret : 0;
}
