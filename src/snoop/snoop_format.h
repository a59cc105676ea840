/* Text lines and JSON records of mm events (snoop/snoop.bpf.c), shared by watch, mmap, brk
 * and shm: both come from the same decoded arguments. */
#ifndef MEMMON_SNOOP_FORMAT_H
#define MEMMON_SNOOP_FORMAT_H
#include "snoop/snoop_event.h"
#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

const char *snoop_sys_name(uint32_t sys);
/* Joins the path components of an event that has a file ("" if none, "..." prefix when
 * the walk was cut). size is the ring-buffer sample's size. */
void snoop_event_path(const struct snoop_event *e, size_t size, char *buf, size_t n);
/* "mmap(NULL, 139264, rw-, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f12345000" */
void snoop_syscall_text(const struct snoop_event *e, const char *path, char *buf, size_t n);
/* {"call":"mmap","args":{...},"ret":N,"error":null|"ENOMEM"} added to o. */
void snoop_syscall_json(struct json_object *o, const struct snoop_event *e, const char *path);
/* Adds "time","pid","tid","comm" to a record. */
void snoop_common_json(struct json_object *o, const struct snoop_event *e, double t);

#endif
