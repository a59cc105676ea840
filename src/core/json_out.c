#include "core/json_out.h"
#include <math.h>
#include <string.h>

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
