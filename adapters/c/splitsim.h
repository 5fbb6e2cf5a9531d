/*
 * SplitSim external-instance adapter for C, protocol version 1 (docs/external-protocol.md).
 *
 * A program implements models and calls ss_main(models): the adapter speaks HELLO and the
 * control messages on fd 3, builds the instance's components from the setup message, joins its
 * channels and runs the synchronized event loop. A model is a create() that opens ports, timers
 * and statistics on its component, plus optional init() and finish():
 *
 *   static void on_in(ss_component *c, double num, const ss_ref *ref) { ss_send(OUT(c), num, ref); }
 *   static int create(ss_component *c) { ss_port_open(c, "in", on_in); ss_port_open(c, "out", NULL); return 0; }
 *   static const ss_model models[] = {{"external.echo", create, NULL, NULL}};
 *   int main(void) { return ss_main(models, 1); }
 *
 * Times are integer picoseconds held in doubles (exact below 2^53), as on the wire.
 */
#ifndef SPLITSIM_H
#define SPLITSIM_H

#include <stddef.h>
#include <stdint.h>

#define SS_PROTOCOL_VERSION 1
#define SS_HELLO_MAGIC 0x4D495353u /* "SSIM" */
enum { SS_PAD, SS_SYNC, SS_NUM, SS_REF, SS_HELLO, SS_FLAT, SS_SHAPE };
enum { SS_FRAME_RECORDS = 0, SS_FRAME_JSON = 1 };
#define SS_ORDER_BASE 4294967296.0
#define SS_MAX_FRAME_BODY (16u << 20)

/* -- JSON (json.c) -- */
enum { SS_JSON_NULL, SS_JSON_BOOL, SS_JSON_NUMBER, SS_JSON_STRING, SS_JSON_ARRAY, SS_JSON_OBJECT };
typedef struct ss_json {
  int type;
  double num;
  char *str;
  char *key; /* in an object */
  struct ss_json *child, *next;
  int count;
} ss_json;
ss_json *ss_json_parse(const char *text, size_t len);
void ss_json_free(ss_json *n);
const ss_json *ss_json_get(const ss_json *obj, const char *key);
double ss_json_num(const ss_json *obj, const char *key, double otherwise);
const char *ss_json_str(const ss_json *obj, const char *key);
typedef struct { char *buf; size_t len, cap; } ss_sb;
void ss_sb_printf(ss_sb *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ss_sb_num(ss_sb *sb, double d);
void ss_sb_str(ss_sb *sb, const char *s);

/* -- random streams (engine.c): the kernel's xoshiro128**, seeded from (run seed, component id) -- */
typedef struct { uint32_t s[4]; } ss_rng;
void ss_rng_seed(ss_rng *r, double seed, double stream);
uint32_t ss_rng_u32(ss_rng *r);
double ss_rng_next(ss_rng *r);
double ss_rng_exponential(ss_rng *r, double mean);

/* -- statistics, kept as state; the orchestrator summarises them with the kernel's classes -- */
typedef struct { double count, mean, m2, min, max; } ss_tally;
typedef struct { int target, batches; double batch_size, count, current, in_current; double *sums; } ss_batch_means;
void ss_tally_add(ss_tally *t, double x);
void ss_batch_means_add(ss_batch_means *b, double x);

/* -- message references: msgpack bytes (REF) or a flat record's fields (FLAT), owned by the event -- */
typedef struct {
  int type;          /* SS_REF or SS_FLAT */
  uint32_t len;      /* bytes of data */
  uint8_t *data;     /* msgpack payload, or len / 8 doubles */
  const char *keys;  /* FLAT: the shape's keys, a JSON list */
} ss_ref;

/* -- components -- */
typedef struct ss_component ss_component;
typedef struct ss_port ss_port;
typedef struct ss_instance ss_instance;
typedef void (*ss_handler)(ss_component *c, double num, const ss_ref *ref);

typedef struct ss_model {
  const char *name;
  /* Opens ports, timers and statistics; reads ss_param_*; returns 0, or -1 after ss_fail(). */
  int (*create)(ss_component *c);
  void (*init)(ss_component *c);
  void (*finish)(ss_component *c);
} ss_model;

enum { SS_STAT_COUNTER, SS_STAT_TALLY, SS_STAT_BATCH_MEANS };
typedef struct {
  char *name;
  int type;
  double counter;
  ss_tally tally;
  ss_batch_means batch;
} ss_stat;

struct ss_component {
  ss_instance *inst;
  int id;
  char *path, *model;
  const ss_json *params;
  ss_rng rng;
  double order_base, seq, events;
  void *state; /* the model's own */
  const struct ss_model *impl;
  ss_port **ports;
  int nports;
  ss_stat **stats;
  int nstats;
};

double ss_now(const ss_component *c);
ss_port *ss_port_open(ss_component *c, const char *name, ss_handler on_receive);
int ss_timer(ss_component *c, ss_handler h);
/* Runs `timer` `delay` ps from now, rounded half up to a whole ps like the kernel. */
void ss_schedule(ss_component *c, int timer, double delay, double num);
void ss_send(ss_port *p, double num, const ss_ref *ref);
double *ss_counter(ss_component *c, const char *name);
ss_tally *ss_tally_new(ss_component *c, const char *name);
ss_batch_means *ss_batch_means_new(ss_component *c, const char *name, int target);
void ss_stop(ss_component *c, const char *message);
double ss_param_num(const ss_component *c, const char *name, double otherwise);
const char *ss_param_str(const ss_component *c, const char *name);
/* Fails the run with this message (printf-style), naming the component; returns -1. */
int ss_fail(ss_component *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Runs this process as an external instance implementing `models`; returns the exit code. */
int ss_main(const ss_model *models, int nmodels);

/* -- channel ends (wire.c), also for programs that drive one directly (bench_peer.c) -- */
typedef void (*ss_deliver)(void *to, double time, double order, int handler, double num, ss_ref *ref);
typedef struct ss_channel {
  int id;
  char *name, *peer, *path;
  double lookahead, sync_interval;
  int listens, fd, server_fd, closed;
  uint8_t *out, *in;
  size_t out_len, out_cap, in_len, in_cap;
  /* Inbound sync state. */
  double promise;
  int peer_needs_promises, hello_seen, inbound;
  /* Outbound sync state. */
  double last_sent_at, last_sync, sent, received;
  /* Cut links by id: the local receiver (-1: none) and the latency. */
  int nlinks;
  int *handler_of;
  double *latency_of;
  int nshapes; /* shapes the peer announced */
  int *shape_fields;
  char **shape_keys;
  int nout_shapes; /* shapes we announced */
  char **out_shapes;
  double wait_ns, rx_ns, tx_ns, sync_ns, sync_msgs;
  ss_deliver deliver;
  void *deliver_to;
  struct ss_channel **all; /* every channel of the instance, read while a write waits */
  int nall;
  char error[256]; /* set when the peer broke the protocol */
} ss_channel;

void ss_channel_init(ss_channel *ch, int id, const char *name, const char *peer, double lookahead, double sync_interval);
int ss_channel_connect(ss_channel *ch, const char *path); /* 0 or -1 */
int ss_channel_listen(ss_channel *ch, const char *path);
int ss_channel_accept(ss_channel *ch);
void ss_channel_add_link(ss_channel *ch, int link, int handler, double latency);
void ss_channel_hello(ss_channel *ch);
void ss_channel_num(ss_channel *ch, int link, double time, double order, double num);
void ss_channel_ref(ss_channel *ch, int link, double time, double order, double num, const ss_ref *ref);
void ss_channel_sync(ss_channel *ch, double promise, double basis);
void ss_channel_publish(ss_channel *ch);
double ss_channel_promised(const ss_channel *ch);
/* Reads and decodes what has arrived; returns records read, or -1 (ch->error says why). */
int ss_channel_poll(ss_channel *ch);
void ss_channel_close(ss_channel *ch);
double ss_clock_ns(void);

#endif
