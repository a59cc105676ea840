#include "output/flamegraph_svg.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define FG_WIDTH 1200
#define FG_ROW 17
#define FG_TOP 66    /* title, search box, zoom reset */
#define FG_BOTTOM 34 /* the details line */
#define FG_MARGIN 10

/* The frames merged into a tree: a child per distinct (function, line) under its caller. */
struct fg_node {
	uint64_t function_id; /* 0: the root */
	int64_t line;
	int64_t value;
	size_t first_child, next_sibling; /* node index + 1; 0: none */
	int depth;
};

struct fg_tree {
	struct fg_node *nodes;
	size_t n, cap;
	int max_depth;
};

static size_t child_of(struct fg_tree *t, size_t parent, uint64_t fid, int64_t line)
{
	for (size_t c = t->nodes[parent].first_child; c; c = t->nodes[c - 1].next_sibling)
		if (t->nodes[c - 1].function_id == fid && t->nodes[c - 1].line == line)
			return c - 1;
	if (t->n == t->cap) {
		size_t ncap = t->cap * 2;
		struct fg_node *a = realloc(t->nodes, ncap * sizeof(*a));
		if (!a)
			return (size_t)-1;
		t->nodes = a;
		t->cap = ncap;
	}
	struct fg_node *pn = &t->nodes[parent];
	t->nodes[t->n] = (struct fg_node){ .function_id = fid, .line = line,
					   .next_sibling = pn->first_child, .depth = pn->depth + 1 };
	pn->first_child = t->n + 1;
	if (pn->depth + 1 > t->max_depth)
		t->max_depth = pn->depth + 1;
	return t->n++;
}

static int build_tree(const struct stack_profile *p, int vi, struct fg_tree *t)
{
	t->cap = 256;
	t->n = 1;
	t->max_depth = 0;
	if (!(t->nodes = calloc(t->cap, sizeof(*t->nodes))))
		return -1;
	for (size_t i = 0; i < p->nsamples; i++) {
		const struct profile_sample *s = &p->samples[i];
		int64_t v = s->values[vi];
		if (v <= 0)
			continue;
		size_t at = 0;
		t->nodes[0].value += v;
		for (int l = s->nlocations - 1; l >= 0; l--) {
			const struct profile_location *loc = stack_profile_location(p, s->location_ids[l]);
			for (int j = loc->nlines - 1; j >= 0; j--) {
				at = child_of(t, at, loc->lines[j].function_id, loc->lines[j].line);
				if (at == (size_t)-1)
					return -1;
				t->nodes[at].value += v;
			}
		}
	}
	return 0;
}

static void xml_text(FILE *out, const char *s, size_t max)
{
	for (size_t i = 0; s[i] && i < max; i++) {
		switch (s[i]) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		default:
			if ((unsigned char)s[i] >= 0x20)
				fputc(s[i], out);
		}
	}
}

/* A warm colour from the name, stable across runs. */
static void colour(const char *name, char *buf, size_t n)
{
	unsigned h = 2166136261u;
	for (const char *c = name; *c; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	snprintf(buf, n, "rgb(%u,%u,%u)", 205 + h % 50, 80 + (h >> 8) % 150, 30 + (h >> 16) % 50);
}

/* The value as people read it: 1.5 MiB for bytes, 1234 for counts. */
static void human(int64_t v, const char *unit, char *buf, size_t n)
{
	if (strcmp(unit, "bytes"))
		snprintf(buf, n, "%lld %s", (long long)v, unit);
	else if (v >= 1 << 20)
		snprintf(buf, n, "%.1f MiB (%lld bytes)", (double)v / (1 << 20), (long long)v);
	else if (v >= 1 << 10)
		snprintf(buf, n, "%.1f KiB (%lld bytes)", (double)v / (1 << 10), (long long)v);
	else
		snprintf(buf, n, "%lld bytes", (long long)v);
}

static void write_frames(const struct stack_profile *p, const struct fg_tree *t, FILE *out,
			 const char *unit, int height)
{
	/* depth-first, so each frame's x is its caller's plus the widths of the siblings before */
	size_t *stack = malloc(sizeof(size_t) * (t->n + 1));
	double *xs = malloc(sizeof(double) * t->n);
	if (!stack || !xs) {
		free(stack);
		free(xs);
		return;
	}
	double total = (double)t->nodes[0].value;
	size_t top = 0;
	stack[top++] = 0;
	xs[0] = 0;
	while (top) {
		size_t i = stack[--top];
		const struct fg_node *nd = &t->nodes[i];
		double x = xs[i];
		for (size_t c = nd->first_child; c; c = t->nodes[c - 1].next_sibling) {
			xs[c - 1] = x;
			x += (double)t->nodes[c - 1].value / total;
			stack[top++] = c - 1;
		}
		const char *name = "all", *file = "";
		if (nd->function_id) {
			const struct profile_function *f = stack_profile_function(p, nd->function_id);
			name = p->strings[f->name];
			file = p->strings[f->filename];
		}
		double w = (double)nd->value / total;
		char fill[32], val[96], where[600] = "";
		colour(name, fill, sizeof(fill));
		human(nd->value, unit, val, sizeof(val));
		if (*file && nd->line)
			snprintf(where, sizeof(where), "%s:%lld", file, (long long)nd->line);
		else if (*file)
			snprintf(where, sizeof(where), "%s", file);
		double px = FG_MARGIN + xs[i] * (FG_WIDTH - 2 * FG_MARGIN);
		double pw = w * (FG_WIDTH - 2 * FG_MARGIN);
		int y = height - FG_BOTTOM - (nd->depth + 1) * FG_ROW;
		fprintf(out, "<g class=\"f\" data-x=\"%.9f\" data-w=\"%.9f\" data-d=\"%d\" data-v=\"%lld\" "
			     "data-n=\"", xs[i], w, nd->depth, (long long)nd->value);
		xml_text(out, name, 4096);
		fputs("\" data-l=\"", out);
		xml_text(out, where, sizeof(where));
		fputs("\"><title>", out);
		xml_text(out, name, 4096);
		if (*where) {
			fputs(" (", out);
			xml_text(out, where, sizeof(where));
			fputs(")", out);
		}
		fprintf(out, ": %s, %.2f%%</title><rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" "
			     "fill=\"%s\" rx=\"2\"/><text x=\"%.2f\" y=\"%d\">", val, 100.0 * w, px, y,
			pw > 0.5 ? pw - 0.5 : pw, FG_ROW - 1, fill, px + 3, y + FG_ROW - 5);
		/* the label fits the frame (about 7 px a character at 12 px); the script redoes it */
		size_t room = pw > 21 ? (size_t)((pw - 6) / 7) : 0;
		if (room >= strlen(name)) {
			xml_text(out, name, 4096);
		} else if (room > 2) {
			xml_text(out, name, room - 2);
			fputs("..", out);
		}
		fputs("</text></g>\n", out);
	}
	free(stack);
	free(xs);
}

/* Zoom, hover details and search: plain DOM, no library. */
static const char script[] =
	"var frames=[].slice.call(document.querySelectorAll('g.f')),"
	"det=document.getElementById('details'),zoomed=null;\n"
	"function human(v){if(unit!='bytes')return v+' '+unit;if(v>=1048576)return (v/1048576).toFixed(1)+' MiB';"
	"if(v>=1024)return (v/1024).toFixed(1)+' KiB';return v+' bytes';}\n"
	"function label(g,pw){var t=g.querySelector('text'),n=g.getAttribute('data-n'),room=Math.floor((pw-6)/7);"
	"t.textContent=pw<21||room<3?'':room>=n.length?n:n.substring(0,room-2)+'..';}\n"
	"function layout(){var zx=0,zw=1,zd=-1;if(zoomed){zx=+zoomed.getAttribute('data-x');zw=+zoomed.getAttribute('data-w');"
	"zd=+zoomed.getAttribute('data-d');}\n"
	" frames.forEach(function(g){var x=+g.getAttribute('data-x'),w=+g.getAttribute('data-w'),d=+g.getAttribute('data-d');"
	"var r=g.querySelector('rect'),t=g.querySelector('text');\n"
	"  var inside=x+w>zx+1e-12&&x<zx+zw-1e-12&&(d>=zd||x<=zx+1e-12&&x+w>=zx+zw-1e-12);"
	"g.style.display=inside?'':'none';if(!inside)return;\n"
	"  var nx=Math.max(0,(x-zx)/zw),nw=Math.min(1,(x+w-zx)/zw)-nx,px=M+nx*(W-2*M),pw=nw*(W-2*M);"
	"r.setAttribute('x',px.toFixed(2));r.setAttribute('width',Math.max(0,pw-0.5).toFixed(2));"
	"t.setAttribute('x',(px+3).toFixed(2));label(g,pw);});\n"
	" document.getElementById('unzoom').style.opacity=zoomed?1:0.3;}\n"
	"frames.forEach(function(g){g.addEventListener('click',function(){zoomed=g.getAttribute('data-d')=='0'?null:g;layout();});\n"
	" g.addEventListener('mouseover',function(){var l=g.getAttribute('data-l'),total=+frames[0].getAttribute('data-v');"
	"for(var i=0;i<frames.length;i++)if(frames[i].getAttribute('data-d')=='0')total=+frames[i].getAttribute('data-v');\n"
	"  det.textContent=g.getAttribute('data-n')+(l?' ('+l+')':'')+': '+human(+g.getAttribute('data-v'))+', '"
	"+(100*g.getAttribute('data-v')/total).toFixed(2)+'%';});\n"
	" g.addEventListener('mouseout',function(){det.textContent=' ';});});\n"
	"document.getElementById('unzoom').addEventListener('click',function(){zoomed=null;layout();});\n"
	"function search(term){var total=0,m=0,re=null;try{re=term?new RegExp(term):null;}catch(e){re=null;}\n"
	" frames.forEach(function(g){var hit=re&&re.test(g.getAttribute('data-n'));"
	"g.querySelector('rect').setAttribute('class',hit?'hit':'');if(g.getAttribute('data-d')=='0')total=+g.getAttribute('data-v');});\n"
	" var seen=[];frames.forEach(function(g){if(!(re&&re.test(g.getAttribute('data-n'))))return;"
	"var x=+g.getAttribute('data-x'),w=+g.getAttribute('data-w');"
	"for(var i=0;i<seen.length;i++)if(x>=seen[i][0]-1e-12&&x+w<=seen[i][1]+1e-12)return;seen.push([x,x+w]);m+=+g.getAttribute('data-v');});\n"
	" document.getElementById('matched').textContent=re?'matched '+(total?(100*m/total).toFixed(2):'0')+'%':'';}\n"
	"document.getElementById('term').addEventListener('input',function(e){search(e.target.value);});\n"
	"layout();\n";

int flamegraph_svg_write(const struct stack_profile *p, FILE *out, int value_index,
			 const char *title)
{
	struct fg_tree t;
	memset(&t, 0, sizeof(t));
	if (build_tree(p, value_index, &t)) {
		free(t.nodes);
		errno = ENOMEM;
		return -1;
	}
	const char *unit = p->types[value_index].unit;
	int height = FG_TOP + (t.max_depth + 1) * FG_ROW + FG_BOTTOM;
	char total[96];
	human(t.nodes[0].value, unit, total, sizeof(total));
	fprintf(out, "<?xml version=\"1.0\" standalone=\"no\"?>\n"
		     "<svg version=\"1.1\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		     "xmlns=\"http://www.w3.org/2000/svg\">\n"
		     "<style>text{font-family:monospace;font-size:12px;fill:#000;pointer-events:none}"
		     "g.f rect{stroke:#fff;stroke-width:0.3}g.f:hover rect{stroke:#000;stroke-width:1}"
		     "rect.hit{fill:rgb(230,0,230)!important}#title{font-size:17px}"
		     "#unzoom{cursor:pointer}g.f{cursor:pointer}</style>\n"
		     "<rect width=\"100%%\" height=\"100%%\" fill=\"#f8f8f0\"/>\n"
		     "<text id=\"title\" x=\"%d\" y=\"24\" text-anchor=\"middle\">",
		FG_WIDTH, height, FG_WIDTH, height, FG_WIDTH / 2);
	xml_text(out, title ? title : "memmon", 4096);
	fprintf(out, " (%s: %s)</text>\n", p->types[value_index].type, total);
	fprintf(out, "<text id=\"unzoom\" x=\"%d\" y=\"50\">Reset zoom</text>\n"
		     "<foreignObject x=\"%d\" y=\"34\" width=\"260\" height=\"26\">"
		     "<input xmlns=\"http://www.w3.org/1999/xhtml\" id=\"term\" placeholder=\"search (regex)\" "
		     "style=\"width:240px;font:12px monospace\"/></foreignObject>\n"
		     "<text id=\"matched\" x=\"%d\" y=\"50\" text-anchor=\"end\"></text>\n",
		FG_MARGIN, FG_WIDTH - 280, FG_WIDTH - 290);
	write_frames(p, &t, out, unit, height);
	fprintf(out, "<text id=\"details\" x=\"%d\" y=\"%d\"> </text>\n<script><![CDATA[\n",
		FG_MARGIN, height - 12);
	fprintf(out, "var W=%d,M=%d,unit='%s';\n", FG_WIDTH, FG_MARGIN, unit);
	fputs(script, out);
	fputs("]]></script>\n</svg>\n", out);
	free(t.nodes);
	return ferror(out) ? -1 : 0;
}
