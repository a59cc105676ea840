#include "core/json_out.h"
#include "core/loop.h"
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <time.h>

struct json_object *json_record(const char *type)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "type", json_object_new_string(type));
	return o;
}

void json_add_str(struct json_object *o, const char *key, const char *val)
{
	json_object_object_add(o, key, val ? json_object_new_string(val) : NULL);
}

void json_add_int(struct json_object *o, const char *key, int64_t val)
{
	json_object_object_add(o, key, json_object_new_int64(val));
}

void json_add_u64(struct json_object *o, const char *key, uint64_t val)
{
	json_object_object_add(o, key, json_object_new_uint64(val));
}

void json_format_double(double val, char *buf, size_t n)
{
	snprintf(buf, n, "%.6f", val);
	char *end = buf + strlen(buf) - 1;
	while (end > buf && *end == '0' && end[-1] != '.')
		*end-- = '\0'; /* 6.763335, 1.5, 2.0 */
}

void json_add_double(struct json_object *o, const char *key, double val)
{
	if (!isfinite(val)) { /* undefined (r2 of a flat series), or no value: null */
		json_object_object_add(o, key, NULL);
		return;
	}
	char text[64];
	json_format_double(val, text, sizeof(text));
	json_object_object_add(o, key, json_object_new_double_s(val, text));
}

void json_add_bool(struct json_object *o, const char *key, int val)
{
	json_object_object_add(o, key, json_object_new_boolean(val));
}

void json_emit(struct json_object *o, FILE *out)
{
	if (!out)
		out = stdout;
	fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE), out);
	fputc('\n', out);
	fflush(out);
	json_object_put(o);
}

struct json_object *json_addr(uint64_t val)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "0x%" PRIx64, val);
	return json_object_new_string(buf);
}

void json_add_addr(struct json_object *o, const char *key, uint64_t val)
{
	json_object_object_add(o, key, json_addr(val));
}

static double clock_now(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void json_add_time(struct json_object *o, const char *key, double mono)
{
	double wall = clock_now(CLOCK_REALTIME) - now_seconds() + mono;
	time_t secs = (time_t)floor(wall);
	long usec = lround((wall - (double)secs) * 1e6);
	if (usec >= 1000000) {
		secs++;
		usec -= 1000000;
	}
	struct tm tm;
	char day[32], buf[64];
	gmtime_r(&secs, &tm);
	strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, sizeof(buf), "%s.%06ldZ", day, usec);
	json_add_str(o, key, buf);
}

void json_add_time_now(struct json_object *o, const char *key)
{
	json_add_time(o, key, now_seconds());
}
