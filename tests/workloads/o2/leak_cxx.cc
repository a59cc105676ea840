// Built -O2 without frame pointers: operator new called from libstdc++'s out-of-line code.
// main -> Registry::add_names -> std::string::reserve leaks 50 strings of capacity 100
// (101 bytes each); main -> Registry::grow_ids -> std::vector<int>::push_back grows a
// vector of 1000 ints by doubling and keeps it (4096 bytes live at the end: 1024 ints).
#include <string>
#include <vector>

struct Registry {
	std::vector<std::string *> names;
	std::vector<int> *ids;
	__attribute__((noinline)) void add_names(int n);
	__attribute__((noinline)) void grow_ids(int n);
};

void Registry::add_names(int n)
{
	for (int i = 0; i < n; i++) {
		std::string *s = new std::string(); // NEW_STRING_LINE
		s->reserve(100);                      // RESERVE_LINE
		names.push_back(s);
	}
}

void Registry::grow_ids(int n)
{
	ids = new std::vector<int>(); // NEW_VECTOR_LINE
	for (int i = 0; i < n; i++)
		ids->push_back(i); // PUSH_BACK_LINE
}

static Registry *registry;

int main()
{
	registry = new Registry(); // MAIN_REGISTRY_LINE
	registry->add_names(50);   // MAIN_NAMES_LINE
	registry->grow_ids(1000);  // MAIN_IDS_LINE
	return 0;
}
