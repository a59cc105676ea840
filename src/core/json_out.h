/* The JSON Lines writer every command uses: build a json-c object, emit it as one line.
 * Text and JSON output come from the same data; a command's printer picks one. */
#ifndef MEMMON_JSON_OUT_H
#define MEMMON_JSON_OUT_H
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>

/* Starts a record {"type": type}. */
struct json_object *json_record(const char *type);
void json_add_str(struct json_object *o, const char *key, const char *val); /* NULL -> null */
void json_add_int(struct json_object *o, const char *key, int64_t val);
void json_add_u64(struct json_object *o, const char *key, uint64_t val);
/* A measured float (seconds, rates, ratios): at most 6 decimals, trailing zeros dropped
 * (6.763335, 1.5, 2.0); NaN and infinities (undefined values) are null. README's JSON rule. */
void json_add_double(struct json_object *o, const char *key, double val);
/* The text json_add_double writes. */
void json_format_double(double val, char *buf, size_t n);
void json_add_bool(struct json_object *o, const char *key, int val);
/* An address (virtual, instruction, kernel): the string "0x" + lowercase hex. A JSON number
 * would do for user addresses, but jq and JavaScript read numbers as doubles, which round
 * kernel addresses (0xffffffff81234567). README's JSON rule. */
void json_add_addr(struct json_object *o, const char *key, uint64_t val);
struct json_object *json_addr(uint64_t val);
/* A moment as wall-clock time, RFC 3339 in UTC with microseconds
 * ("2026-12-02T03:14:08.123456Z"). mono: CLOCK_MONOTONIC seconds (now_seconds(), or a BPF
 * event's bpf_ktime_get_ns() / 1e9), converted with the clocks' offset now. */
void json_add_time(struct json_object *o, const char *key, double mono);
/* The same for now. */
void json_add_time_now(struct json_object *o, const char *key);
/* Writes the object as one line to out (stdout if NULL), flushes, and frees it. */
void json_emit(struct json_object *o, FILE *out);

#endif
