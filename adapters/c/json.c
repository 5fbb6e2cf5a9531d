/*
 * Just enough JSON for the control connection: a parser into a tree (the setup message and the
 * commands) and a string builder for reports. Numbers are doubles, printed with 17 significant
 * digits so they cross bit for bit. A real adapter may use any JSON library instead.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "splitsim.h"

typedef struct {
  const char *p;
  const char *end;
  int bad;
} parser;

static ss_json *node(int type) {
  ss_json *n = calloc(1, sizeof *n);
  n->type = type;
  return n;
}

static void skip(parser *ps) {
  while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')) ps->p++;
}

static ss_json *value(parser *ps, int depth);

static void put_utf8(char **out, unsigned cp) {
  char *o = *out;
  if (cp < 0x80) *o++ = (char)cp;
  else if (cp < 0x800) *o++ = (char)(0xC0 | cp >> 6), *o++ = (char)(0x80 | (cp & 0x3F));
  else if (cp < 0x10000) *o++ = (char)(0xE0 | cp >> 12), *o++ = (char)(0x80 | ((cp >> 6) & 0x3F)), *o++ = (char)(0x80 | (cp & 0x3F));
  else *o++ = (char)(0xF0 | cp >> 18), *o++ = (char)(0x80 | ((cp >> 12) & 0x3F)), *o++ = (char)(0x80 | ((cp >> 6) & 0x3F)), *o++ = (char)(0x80 | (cp & 0x3F));
  *out = o;
}

static char *string(parser *ps) {
  ps->p++; /* the opening quote */
  char *out = malloc((size_t)(ps->end - ps->p) + 1), *o = out;
  while (ps->p < ps->end && *ps->p != '"') {
    char c = *ps->p++;
    if (c != '\\') {
      *o++ = c;
      continue;
    }
    if (ps->p >= ps->end) break;
    c = *ps->p++;
    switch (c) {
      case 'b': *o++ = '\b'; break;
      case 'f': *o++ = '\f'; break;
      case 'n': *o++ = '\n'; break;
      case 'r': *o++ = '\r'; break;
      case 't': *o++ = '\t'; break;
      case 'u': {
        unsigned cp = 0;
        if (ps->end - ps->p < 4 || sscanf(ps->p, "%4x", &cp) != 1) { ps->bad = 1; break; }
        ps->p += 4;
        if (cp >= 0xD800 && cp < 0xDC00 && ps->end - ps->p >= 6 && ps->p[0] == '\\' && ps->p[1] == 'u') {
          unsigned lo = 0;
          if (sscanf(ps->p + 2, "%4x", &lo) == 1 && lo >= 0xDC00 && lo < 0xE000) cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00), ps->p += 6;
        }
        put_utf8(&o, cp);
        break;
      }
      default: *o++ = c;
    }
  }
  if (ps->p >= ps->end) ps->bad = 1;
  else ps->p++;
  *o = 0;
  return out;
}

static void append(ss_json *parent, ss_json *child) {
  ss_json **slot = &parent->child;
  while (*slot) slot = &(*slot)->next;
  *slot = child;
  parent->count++;
}

static ss_json *value(parser *ps, int depth) {
  skip(ps);
  if (ps->p >= ps->end || depth > 64) { ps->bad = 1; return NULL; }
  char c = *ps->p;
  if (c == '{' || c == '[') {
    ss_json *n = node(c == '{' ? SS_JSON_OBJECT : SS_JSON_ARRAY);
    char close = c == '{' ? '}' : ']';
    ps->p++;
    skip(ps);
    if (ps->p < ps->end && *ps->p == close) { ps->p++; return n; }
    for (;;) {
      char *key = NULL;
      if (n->type == SS_JSON_OBJECT) {
        skip(ps);
        if (ps->p >= ps->end || *ps->p != '"') { ps->bad = 1; return n; }
        key = string(ps);
        skip(ps);
        if (ps->p >= ps->end || *ps->p != ':') { ps->bad = 1; free(key); return n; }
        ps->p++;
      }
      ss_json *v = value(ps, depth + 1);
      if (!v) { free(key); return n; }
      v->key = key;
      append(n, v);
      skip(ps);
      if (ps->p < ps->end && *ps->p == ',') { ps->p++; continue; }
      if (ps->p < ps->end && *ps->p == close) { ps->p++; return n; }
      ps->bad = 1;
      return n;
    }
  }
  if (c == '"') {
    ss_json *n = node(SS_JSON_STRING);
    n->str = string(ps);
    return n;
  }
  if (!strncmp(ps->p, "true", 4) || !strncmp(ps->p, "false", 5)) {
    ss_json *n = node(SS_JSON_BOOL);
    n->num = *ps->p == 't';
    ps->p += *ps->p == 't' ? 4 : 5;
    return n;
  }
  if (!strncmp(ps->p, "null", 4)) {
    ps->p += 4;
    return node(SS_JSON_NULL);
  }
  char *stop;
  double d = strtod(ps->p, &stop);
  if (stop == ps->p) { ps->bad = 1; return NULL; }
  ps->p = stop;
  ss_json *n = node(SS_JSON_NUMBER);
  n->num = d;
  return n;
}

ss_json *ss_json_parse(const char *text, size_t len) {
  parser ps = {text, text + len, 0};
  ss_json *root = value(&ps, 0);
  skip(&ps);
  if (ps.bad || ps.p != ps.end) {
    ss_json_free(root);
    return NULL;
  }
  return root;
}

void ss_json_free(ss_json *n) {
  while (n) {
    ss_json *next = n->next;
    ss_json_free(n->child);
    free(n->key);
    free(n->str);
    free(n);
    n = next;
  }
}

const ss_json *ss_json_get(const ss_json *obj, const char *key) {
  if (!obj || obj->type != SS_JSON_OBJECT) return NULL;
  for (const ss_json *c = obj->child; c; c = c->next)
    if (!strcmp(c->key, key)) return c;
  return NULL;
}

double ss_json_num(const ss_json *obj, const char *key, double otherwise) {
  const ss_json *v = ss_json_get(obj, key);
  if (!v) return otherwise;
  if (v->type == SS_JSON_NULL) return INFINITY; /* Infinity travels as null */
  return v->type == SS_JSON_NUMBER || v->type == SS_JSON_BOOL ? v->num : otherwise;
}

const char *ss_json_str(const ss_json *obj, const char *key) {
  const ss_json *v = ss_json_get(obj, key);
  return v && v->type == SS_JSON_STRING ? v->str : NULL;
}

/* -- building reports -- */

void ss_sb_printf(ss_sb *sb, const char *fmt, ...) {
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    size_t room = sb->cap - sb->len;
    int n = vsnprintf(sb->buf ? sb->buf + sb->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < room) {
      sb->len += (size_t)n;
      return;
    }
    sb->cap = (sb->cap + (size_t)n + 1) * 2;
    sb->buf = realloc(sb->buf, sb->cap);
  }
}

void ss_sb_num(ss_sb *sb, double d) {
  if (!isfinite(d)) ss_sb_printf(sb, "null");
  else if (d == floor(d) && fabs(d) < 9007199254740992.0) ss_sb_printf(sb, "%.0f", d);
  else ss_sb_printf(sb, "%.17g", d);
}

void ss_sb_str(ss_sb *sb, const char *s) {
  ss_sb_printf(sb, "\"");
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') ss_sb_printf(sb, "\\%c", c);
    else if (c < 0x20) ss_sb_printf(sb, "\\u%04x", c);
    else ss_sb_printf(sb, "%c", c);
  }
  ss_sb_printf(sb, "\"");
}
