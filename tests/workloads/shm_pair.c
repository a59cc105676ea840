/* Two processes sharing one System V segment: the parent creates it
 * (shmget(IPC_PRIVATE, 4096, IPC_CREAT|0600)), the child attaches, writes 42 and detaches,
 * then the parent attaches read-only, reads it, detaches and removes it (IPC_RMID).
 * Prints "id N parent P child C value V" to stderr. */
#include <stdio.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	if (id < 0)
		return 1;
	pid_t child = fork();
	if (child == 0) {
		char *p = shmat(id, NULL, 0);
		if (p == (void *)-1)
			_exit(1);
		p[0] = 42;
		shmdt(p);
		_exit(0);
	}
	int status;
	waitpid(child, &status, 0);
	const char *p = shmat(id, NULL, SHM_RDONLY);
	if (p == (void *)-1)
		return 1;
	int v = p[0];
	shmdt(p);
	shmctl(id, IPC_RMID, NULL);
	fprintf(stderr, "id %d parent %d child %d value %d\n", id, (int)getpid(), (int)child, v);
	return v == 42 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
