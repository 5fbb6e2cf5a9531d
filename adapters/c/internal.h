/* What engine.c and instance.c share: the instance, its event queue and its ports. */
#ifndef SPLITSIM_INTERNAL_H
#define SPLITSIM_INTERNAL_H

#include "splitsim.h"

typedef struct {
  double time, order, num;
  int handler;
  ss_ref *ref;
} ss_event;

struct ss_port {
  ss_component *c;
  char *name;
  int handler;  /* this port's receiver, or -1 */
  int peer;     /* the peer port's receiver, for a link inside this instance */
  double latency;
  int link;
  ss_channel *channel; /* for a cut link */
  int silent;          /* the plan says this end never sends */
};

struct ss_instance {
  double seed, now, executed, last_order;
  ss_event *heap;
  int nheap, capheap;
  struct { ss_handler fn; ss_component *owner; } *handlers;
  int nhandlers;
  ss_component **comps;
  int ncomps;
  char *stop_message;
  /* The first failure: the run ends and the orchestrator hears this. */
  int failed;
  char failure[512];
  ss_component *failed_component;
  ss_channel *channels;
  int nchannels;
};

void ss_push(ss_instance *in, double time, double order, int handler, double num, ss_ref *ref);
/* Executes events below `limit`, at most `max`, until a stop or a failure; returns how many. */
int ss_run_before(ss_instance *in, double limit, int max);
double ss_next_time(const ss_instance *in);
void ss_deliver_event(void *to, double time, double order, int handler, double num, ss_ref *ref);

/* The running instance: its engine, its control connection and the loop's state. */
enum { RUNNING, DONE, STOPPED };

typedef struct {
  ss_instance in;
  int ctl;
  uint8_t *buf;
  size_t len, cap;
  int hello_seen;
  ss_json **inbox;
  int ninbox;
  int state;
  double until, limit, stop_time, stop_order, granted, profile_ns, next_sample, next_progress, stuck_next, stuck_total;
  ss_channel *limiting;
} runner;

/* control.c: the control connection and the reports. */
double ss_wall_ns(void);
void ss_ctl_say(runner *r, ss_sb *sb);
void ss_ctl_say_type(runner *r, const char *type);
void ss_ctl_counts(runner *r, ss_sb *sb);
void ss_ctl_read(runner *r, int block);
ss_json *ss_ctl_next(runner *r);
ss_json *ss_ctl_expect(runner *r, const char *type);
void ss_ctl_done(runner *r);
void ss_ctl_profile(runner *r, int final, const char *status);
void ss_ctl_finished(runner *r, const char *status);
void ss_ctl_failed(runner *r);

#endif
