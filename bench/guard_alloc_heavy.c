/* Allocation-heavy benchmark program for bench/guard.sh: rounds of building a hash table
 * of 200000 strings of 16-256 bytes (malloc + memcpy + hashing), then freeing it all. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct node {
	struct node *next;
	size_t len;
	char *data;
};

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 10;
	enum { N = 200000, BUCKETS = 65536 };
	static struct node *table[BUCKETS];
	char src[256];
	uint64_t x = 88172645463325252ULL, sum = 0;
	for (int i = 0; i < 256; i++)
		src[i] = (char)('a' + i % 26);
	for (int r = 0; r < rounds; r++) {
		for (int i = 0; i < N; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			size_t len = 16 + x % 241;
			struct node *n = malloc(sizeof(*n));
			n->data = malloc(len);
			n->len = len;
			memcpy(n->data, src, len);
			uint32_t h = 2166136261u;
			for (size_t k = 0; k < len; k += 8)
				h = (h ^ (uint8_t)n->data[k]) * 16777619u;
			n->next = table[(h ^ i) % BUCKETS];
			table[(h ^ i) % BUCKETS] = n;
		}
		for (int b = 0; b < BUCKETS; b++) {
			while (table[b]) {
				struct node *n = table[b];
				table[b] = n->next;
				sum += n->data[n->len - 1];
				free(n->data);
				free(n);
			}
		}
	}
	printf("%llu\n", (unsigned long long)sum);
	return 0;
}
