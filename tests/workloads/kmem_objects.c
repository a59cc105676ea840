/* Creates a known number of kernel objects and holds them until exit:
 *   kmem_objects pipes N     N pipes (pipe_inode_info and its buffer array via kmalloc)
 *   kmem_objects sockets N   N UNIX stream sockets (slab-cache objects) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void make_pipes(int n)
{
	for (int i = 0; i < n; i++) {
		int fds[2];
		if (pipe(fds)) {
			perror("pipe");
			exit(1);
		}
	}
}

static void make_sockets(int n)
{
	for (int i = 0; i < n; i++)
		if (socket(AF_UNIX, SOCK_STREAM, 0) < 0) {
			perror("socket");
			exit(1);
		}
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: kmem_objects pipes|sockets N\n");
		return 2;
	}
	int n = atoi(argv[2]);
	if (!strcmp(argv[1], "pipes"))
		make_pipes(n);
	else if (!strcmp(argv[1], "sockets"))
		make_sockets(n);
	else
		return 2;
	return 0;
}
