/* Calls into libmdi.so, which leaks 7 blocks of 777 bytes from a static function. */
void mdi_entry(int n);

int main(void)
{
	mdi_entry(7);
	return 0;
}
