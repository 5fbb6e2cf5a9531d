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

#endif
