/* Fixed /proc texts shared by the parser unit tests and the mutation fuzz test. */
#ifndef MEMMON_PROC_FIXTURES_H
#define MEMMON_PROC_FIXTURES_H

static const char SMAPS_TEXT[] =
	"55826ed08000-55826ed37000 r--p 00000000 fe:00 247101                     /usr/bin/bash\n"
	"Size:                188 kB\n"
	"KernelPageSize:        4 kB\n"
	"MMUPageSize:           4 kB\n"
	"Rss:                 188 kB\n"
	"Pss:                  26 kB\n"
	"Pss_Dirty:             0 kB\n"
	"Shared_Clean:        188 kB\n"
	"Shared_Dirty:          0 kB\n"
	"Private_Clean:         0 kB\n"
	"Private_Dirty:         0 kB\n"
	"Referenced:          188 kB\n"
	"Anonymous:             0 kB\n"
	"KSM:                   0 kB\n"
	"LazyFree:              0 kB\n"
	"AnonHugePages:         0 kB\n"
	"Swap:                  0 kB\n"
	"SwapPss:               0 kB\n"
	"Locked:                0 kB\n"
	"THPeligible:           0\n"
	"ProtectionKey:         0\n"
	"VmFlags: rd mr mw me sd \n"
	"7f0000000000-7f0000400000 rw-p 00000000 00:00 0 \n"
	"Size:               4096 kB\n"
	"Rss:                4096 kB\n"
	"Pss:                2048 kB\n"
	"Shared_Clean:          0 kB\n"
	"Shared_Dirty:       2048 kB\n"
	"Private_Clean:        12 kB\n"
	"Private_Dirty:      2036 kB\n"
	"Anonymous:          4096 kB\n"
	"Swap:                 64 kB\n"
	"SwapPss:              32 kB\n"
	"Locked:                0 kB\n"
	"VmFlags: rd wr mr mw me ac sd \n"
	"7f1000000000-7f1000201000 rw-s 00000000 00:01 1234                       /dev/zero (deleted)\n"
	"Size:               2052 kB\n"
	"Rss:                2048 kB\n"
	"Pss:                1024 kB\n"
	"Shared_Dirty:       2048 kB\n"
	"Swap:                  0 kB\n";

static const char ROLLUP_TEXT[] =
	"55f6e432d000-7fff992a1000 ---p 00000000 00:00 0                          [rollup]\n"
	"Rss:                1732 kB\n"
	"Pss:                 367 kB\n"
	"Pss_Dirty:           112 kB\n"
	"Pss_Anon:            112 kB\n"
	"Pss_File:            255 kB\n"
	"Pss_Shmem:             0 kB\n"
	"Shared_Clean:       1560 kB\n"
	"Shared_Dirty:          0 kB\n"
	"Private_Clean:        60 kB\n"
	"Private_Dirty:       112 kB\n"
	"Referenced:         1732 kB\n"
	"Anonymous:           112 kB\n"
	"Swap:                  8 kB\n"
	"SwapPss:               4 kB\n"
	"Locked:                0 kB\n";

static const char MAPS_TEXT[] =
	"55826ed08000-55826ed37000 r--p 00000000 fe:00 247101                     /usr/bin/bash\n"
	"7f0000000000-7f0000400000 rw-p 00000000 00:00 0 \n"
	"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n";

static const char MEMINFO_TEXT[] =
	"MemTotal:       24684084 kB\n"
	"MemFree:        24198248 kB\n"
	"MemAvailable:   24302784 kB\n"
	"Buffers:             772 kB\n"
	"Cached:           268892 kB\n"
	"SwapCached:            0 kB\n"
	"Shmem:              8872 kB\n"
	"Slab:             134472 kB\n"
	"SReclaimable:     104896 kB\n"
	"SwapTotal:       1048572 kB\n"
	"SwapFree:         524288 kB\n"
	"HugePages_Total:       0\n"
	"Hugepagesize:       2048 kB\n";

static const char VMSTAT_TEXT[] =
	"nr_free_pages 6049562\n"
	"pgpgin 1234\n"
	"pswpin 7\n"
	"pswpout 9\n"
	"pgfault 123456789\n"
	"pgmajfault 42\n"
	"allocstall_dma 1\n"
	"allocstall_normal 2\n"
	"allocstall_movable 3\n"
	"pgscan_kswapd 100\n"
	"pgscan_direct 200\n"
	"pgsteal_kswapd 90\n"
	"pgsteal_direct 180\n"
	"oom_kill 5\n"
	"compact_stall 6\n";

static const char BUDDYINFO_TEXT[] =
	"Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      3 \n"
	"Node 0, zone    DMA32      1      1      4      2      5      4      3      3      4      2    752 \n"
	"Node 1, zone   Normal   1870    882    686    482    286    122     48     27     11     40    314 \n";

static const char SLABINFO_TEXT[] =
	"slabinfo - version: 2.1\n"
	"# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n"
	"ext4_inode_cache   59430  59430   1128   29    8 : tunables    0    0    0 : slabdata   2050   2050      0\n"
	"dentry             95235  95235    192   21    1 : tunables    0    0    0 : slabdata   4535   4535      0\n"
	"kmalloc-8              0      0      8  512    1 : tunables    0    0    0 : slabdata      0      0      0\n";

static const char STATUS_TEXT[] =
	"Name:\tbash\n"
	"Umask:\t0022\n"
	"State:\tS (sleeping)\n"
	"Pid:\t3884\n"
	"Uid:\t0\t0\t0\t0\n"
	"VmPeak:\t    5264 kB\n"
	"VmSize:\t    5004 kB\n"
	"VmRSS:\t    4316 kB\n"
	"RssAnon:\t     944 kB\n"
	"RssFile:\t    3372 kB\n"
	"RssShmem:\t       0 kB\n"
	"VmData:\t    1104 kB\n"
	"VmSwap:\t       0 kB\n"
	"Threads:\t1\n";

#endif
