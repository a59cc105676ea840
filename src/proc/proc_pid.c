#include "proc/proc_pid.h"
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
	return (x > y) - (x < y);
}

int proc_list_pids(pid_t **pids)
{
	DIR *d = opendir("/proc");
	if (!d)
		return -errno;
	size_t n = 0, cap = 256;
	pid_t *v = malloc(cap * sizeof(*v));
	struct dirent *e;
	while (v && (e = readdir(d))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (!isdigit((unsigned char)e->d_name[0]) || *end || pid <= 0)
			continue;
		if (n == cap) {
			pid_t *nv = realloc(v, (cap *= 2) * sizeof(*v));
			if (!nv) {
				free(v);
				v = NULL;
				break;
			}
			v = nv;
		}
		v[n++] = (pid_t)pid;
	}
	closedir(d);
	if (!v)
		return -ENOMEM;
	qsort(v, n, sizeof(*v), cmp_pid);
	*pids = v;
	return (int)n;
}

int proc_pid_info(pid_t pid, struct text_buf *buf, struct proc_info *out)
{
	char path[64];
	struct stat st;
	memset(out, 0, sizeof(*out));
	out->pid = pid;
	snprintf(path, sizeof(path), "/proc/%d", pid);
	if (stat(path, &st))
		return -errno;
	out->uid = st.st_uid;
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	int r = proc_read_file(path, buf);
	if (r)
		return r;
	size_t n = strcspn(buf->data, "\n");
	if (n >= sizeof(out->comm))
		n = sizeof(out->comm) - 1;
	memcpy(out->comm, buf->data, n);
	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	if ((r = proc_read_file(path, buf)))
		return r;
	n = buf->len;
	while (n > 0 && buf->data[n - 1] == '\0')
		n--;
	if (n >= sizeof(out->cmdline))
		n = sizeof(out->cmdline) - 1;
	for (size_t i = 0; i < n; i++)
		out->cmdline[i] = buf->data[i] ? buf->data[i] : ' ';
	out->cmdline[n] = '\0';
	return 0;
}

#define USER_CACHE 64
const char *proc_user_name(uid_t uid)
{
	static struct { uid_t uid; char name[64]; } cache[USER_CACHE];
	static int ncache;
	for (int i = 0; i < ncache; i++)
		if (cache[i].uid == uid)
			return cache[i].name;
	int slot = ncache < USER_CACHE ? ncache++ : (int)(uid % USER_CACHE);
	struct passwd *pw = getpwuid(uid);
	cache[slot].uid = uid;
	if (pw)
		snprintf(cache[slot].name, sizeof(cache[slot].name), "%s", pw->pw_name);
	else
		snprintf(cache[slot].name, sizeof(cache[slot].name), "%u", (unsigned)uid);
	return cache[slot].name;
}

int proc_parse_user(const char *s, uid_t *uid)
{
	struct passwd *pw = getpwnam(s);
	if (pw) {
		*uid = pw->pw_uid;
		return 0;
	}
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (!*s || *end || errno || v > 0xfffffffeUL)
		return -1;
	*uid = (uid_t)v;
	return 0;
}
