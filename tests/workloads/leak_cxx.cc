// C++ allocations with known leaks, for memmon leak's operator new probes. Leaks exactly
// (each from a line marked for the tests):
//   30 Entry (48 bytes) by operator new from Cache::fill
//   20 int[25] (100 bytes) by operator new[] from Cache::grow
//   10 Block (alignas 64, 128 bytes) by aligned operator new from Cache::align
//    5 Entry (48 bytes) by nothrow operator new from Cache::spare_one, inlined into
//      Cache::spare (its frame is named by its linkage name, not DWARF's bare "spare_one")
//   one block from each of the 8 operator new variants, one per line, from Cache::variants
// and frees everything else with delete, delete[], sized and aligned delete. A bad_alloc
// thrown out of operator new is caught (memmon must not break unwinding through it).
// Usage: leak_cxx [SLEEP_SECONDS|wait]: sleep before and after, or wait for SIGUSR1 before
// and sleep 1 s after, for attaching with -p;
//        leak_cxx double-delete: deletes one Entry twice (glibc then aborts);
//        leak_cxx string-double-free: a shallow copy of a std::string frees its buffer
//        again, inside libstdc++ (std::string::reserve).
#include <cstdio>
#include <cstdlib>
#include <csignal>
#include <cstring>
#include <new>
#include <string>
#include <unistd.h>
#include <vector>

struct Entry {
	long key;
	long value[5];
};
static_assert(sizeof(Entry) == 48, "Entry size");

struct alignas(64) Block {
	char bytes[128];
};
static_assert(sizeof(Block) == 128, "Block size");

void *volatile sink;

class Cache {
public:
	__attribute__((noinline)) void fill(int n);
	__attribute__((noinline)) void grow(int n);
	__attribute__((noinline)) void align(int n);
	__attribute__((noinline)) void spare(int n);
	__attribute__((always_inline)) inline Entry *spare_one();
	__attribute__((noinline)) void variants();
	__attribute__((noinline)) void churn(int rounds);
	__attribute__((noinline)) int overreach();
};

void Cache::fill(int n)
{
	for (int i = 0; i < n; i++) {
		Entry *e = new Entry(); /* FILL_LINE */
		e->key = i;
		sink = e;
	}
}

void Cache::grow(int n)
{
	for (int i = 0; i < n; i++) {
		int *a = new int[25]; /* GROW_LINE */
		a[0] = i;
		sink = a;
	}
}

void Cache::align(int n)
{
	for (int i = 0; i < n; i++) {
		Block *b = new Block(); /* ALIGN_LINE */
		sink = b;
	}
}

inline Entry *Cache::spare_one()
{
	return new (std::nothrow) Entry(); /* SPARE_LINE */
}

void Cache::spare(int n)
{
	for (int i = 0; i < n; i++)
		sink = spare_one(); /* SPARE_CALL_LINE */
}

// new[] tail-jumps to new, the nothrow forms call the throwing ones: each is still one
// allocation by the operator the program called, from its line.
void Cache::variants()
{
	sink = new Entry(); /* VARIANTS_LINE */
	sink = new (std::nothrow) Entry();
	sink = new Block();
	sink = new (std::nothrow) Block();
	sink = new int[3];
	sink = new (std::nothrow) int[4];
	sink = new Block[2];
	sink = new (std::nothrow) Block[3];
}

// Every operator new and delete variant, all released; and the library's own
// allocations (std::string, std::vector growth), all released too.
void Cache::churn(int rounds)
{
	for (int i = 0; i < rounds; i++) {
		Entry *e = new Entry();
		int *a = new int[10 + i % 7];
		Block *b = new Block();
		Block *bs = new Block[3];
		Entry *n = new (std::nothrow) Entry();
		int *na = new (std::nothrow) int[5];
		Block *nb = new (std::nothrow) Block();
		std::string s(100 + i % 50, 'x');
		std::vector<long> v;
		for (int k = 0; k < 40; k++)
			v.push_back(k);
		sink = (void *)s.data();
		delete e;
		delete[] a;
		delete b;
		delete[] bs;
		delete n;
		delete[] na;
		delete nb;
		void *raw = ::operator new(64);
		::operator delete(raw, (size_t)64);
	}
}

// operator new fails and throws; the program catches it.
int Cache::overreach()
{
	int caught = 0;
	for (int i = 0; i < 3; i++) {
		try {
			volatile size_t huge = (size_t)1 << 62;
			char *p = new char[huge];
			sink = p;
		} catch (const std::bad_alloc &) {
			caught++;
		}
	}
	return caught;
}

int main(int argc, char **argv)
{
	sigset_t usr1; // blocked from the start: "wait" takes it with sigwait, even if sent early
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	if (argc > 1 && strcmp(argv[1], "wait") == 0)
		sigprocmask(SIG_BLOCK, &usr1, NULL);
	Cache c;
	if (argc > 1 && strcmp(argv[1], "double-delete") == 0) {
		Entry *e = new Entry();
		sink = e;
		delete e;
		delete e; // the bug
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "string-double-free") == 0) {
		std::string *a = new std::string(200, 'x');
		alignas(std::string) char copy[sizeof(std::string)];
		memcpy(copy, (void *)a, sizeof(copy)); // the bug: both now own the buffer
		delete a;
		((std::string *)copy)->reserve(1000);
		return 0;
	}
	int pause_s = argc > 1 ? atoi(argv[1]) : 0;
	if (argc > 1 && strcmp(argv[1], "wait") == 0) { // until the test's SIGUSR1 (memmon is tracing)
		int sig;
		sigwait(&usr1, &sig);
		pause_s = 1;
	} else {
		sleep(pause_s);
	}
	c.churn(200);
	c.fill(30);
	c.grow(20);
	c.align(10);
	c.spare(5);
	c.variants();
	int caught = c.overreach();
	c.churn(200);
	printf("caught %d bad_alloc\n", caught);
	fflush(stdout);
	sleep(pause_s);
	return 0;
}
