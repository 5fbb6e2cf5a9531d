/*
 * An external instance: start-up (HELLO, setup, ready, connect, connected, go), the model's
 * components, links and channels, the synchronized event loop and the end of the run, as in
 * docs/external-protocol.md and adapters/python/splitsim_adapter/instance.py. The control
 * connection and the reports are in control.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define SLICE 256 /* events per step at most; then publish, so peers see our clock move */

static ss_component *component(runner *r, int id) {
  for (int i = 0; i < r->in.ncomps; i++)
    if (r->in.comps[i]->id == id) return r->in.comps[i];
  return NULL;
}

static ss_port *port(runner *r, const ss_json *ref) {
  ss_component *c = component(r, (int)ss_json_num(ref, "component", -1));
  const char *name = ss_json_str(ref, "port");
  for (int i = 0; c && name && i < c->nports; i++)
    if (!strcmp(c->ports[i]->name, name)) return c->ports[i];
  if (c) ss_fail(c, "model %s never opened port \"%s\", but a link joins it", c->model, name ? name : "?");
  return NULL;
}

static int by_id(const void *a, const void *b) { return (*(ss_component *const *)a)->id - (*(ss_component *const *)b)->id; }

/* Builds the components, links and channels of the setup message; 0, or -1 with in.failure set. */
static int build(runner *r, const ss_json *setup, const ss_model *models, int nmodels) {
  ss_instance *in = &r->in;
  in->seed = ss_json_num(setup, "seed", 1);
  const ss_json *comps = ss_json_get(setup, "components");
  for (const ss_json *j = comps ? comps->child : NULL; j; j = j->next) {
    ss_component *c = calloc(1, sizeof *c);
    c->inst = in;
    c->id = (int)ss_json_num(j, "id", 0);
    c->path = strdup(ss_json_str(j, "path") ? ss_json_str(j, "path") : "?");
    c->model = strdup(ss_json_str(j, "model") ? ss_json_str(j, "model") : "?");
    c->params = ss_json_get(j, "params");
    c->order_base = c->id * SS_ORDER_BASE;
    ss_rng_seed(&c->rng, in->seed, c->id);
    in->comps = realloc(in->comps, (size_t)(in->ncomps + 1) * sizeof *in->comps);
    in->comps[in->ncomps++] = c;
    const ss_model *m = NULL;
    for (int k = 0; k < nmodels; k++)
      if (!strcmp(models[k].name, c->model)) m = &models[k];
    if (!m) return ss_fail(c, "this program does not implement model %s", c->model);
    c->impl = m;
    if (m->create(c) < 0 || in->failed) return ss_fail(c, "its model refused it");
  }
  qsort(in->comps, (size_t)in->ncomps, sizeof *in->comps, by_id);
  const ss_json *links = ss_json_get(setup, "links");
  for (const ss_json *l = links ? links->child : NULL; l; l = l->next) {
    ss_port *a = port(r, ss_json_get(l, "a")), *b = port(r, ss_json_get(l, "b"));
    if (!a || !b) return -1;
    a->latency = b->latency = ss_json_num(l, "latency", 0);
    a->peer = b->handler;
    b->peer = a->handler;
  }
  const ss_json *chans = ss_json_get(setup, "channels"), *cut = ss_json_get(setup, "cut");
  in->nchannels = chans ? chans->count : 0;
  in->channels = calloc((size_t)in->nchannels + 1, sizeof(ss_channel));
  static ss_channel *all[64];
  int k = 0;
  for (const ss_json *j = chans ? chans->child : NULL; j; j = j->next, k++) {
    ss_channel *ch = &in->channels[k];
    ss_channel_init(ch, (int)ss_json_num(j, "id", 0), ss_json_str(j, "name"), ss_json_str(j, "peer"), ss_json_num(j, "lookahead", 0), ss_json_num(j, "syncInterval", 0));
    ch->listens = ss_json_num(j, "listen", 0) != 0;
    ch->path = strdup(ss_json_str(j, "path") ? ss_json_str(j, "path") : "");
    ch->deliver = ss_deliver_event;
    ch->deliver_to = in;
    ch->all = all;
    ch->nall = in->nchannels;
    if (k < 64) all[k] = ch;
    for (const ss_json *e = cut ? cut->child : NULL; e; e = e->next) {
      if ((int)ss_json_num(e, "channel", -1) != ch->id) continue;
      ss_port *p = port(r, e);
      if (!p) return -1;
      p->latency = ss_json_num(e, "latency", 0);
      p->link = (int)ss_json_num(e, "link", -1);
      p->channel = ch;
      p->silent = ss_json_num(e, "silent", 0) != 0;
      ss_channel_add_link(ch, p->link, ss_json_num(e, "peerSilent", 0) != 0 ? -1 : p->handler, p->latency);
    }
  }
  return 0;
}

static double safe_time(runner *r) {
  double safe = INFINITY;
  r->limiting = NULL;
  for (int i = 0; i < r->in.nchannels; i++) {
    ss_channel *ch = &r->in.channels[i];
    if (ch->inbound && ch->promise < safe) safe = ch->promise, r->limiting = ch;
  }
  return safe;
}

static void send_due(runner *r, double basis) {
  for (int i = 0; i < r->in.nchannels; i++) {
    ss_channel *ch = &r->in.channels[i];
    if (ch->peer_needs_promises && basis >= ch->last_sent_at + ch->sync_interval && basis + ch->lookahead > ss_channel_promised(ch)) ss_channel_sync(ch, basis + ch->lookahead, basis);
  }
}

static double next_due(runner *r) {
  double due = INFINITY;
  for (int i = 0; i < r->in.nchannels; i++) {
    ss_channel *ch = &r->in.channels[i];
    if (ch->peer_needs_promises && ch->last_sent_at + ch->sync_interval < due) due = ch->last_sent_at + ch->sync_interval;
  }
  return due;
}

static void flush(runner *r) {
  for (int i = 0; i < r->in.nchannels; i++) ss_channel_publish(&r->in.channels[i]);
}

static void promise_forever(runner *r) {
  for (int i = 0; i < r->in.nchannels; i++) {
    ss_channel *ch = &r->in.channels[i];
    if (ch->peer_needs_promises && ch->last_sync != INFINITY) ss_channel_sync(ch, INFINITY, INFINITY);
  }
}

static void own_stop(runner *r) {
  r->state = STOPPED;
  promise_forever(r);
  ss_sb sb = {0};
  ss_sb_printf(&sb, "{\"type\":\"stopped\",\"time\":");
  ss_sb_num(&sb, r->in.now);
  ss_sb_printf(&sb, ",\"order\":");
  ss_sb_num(&sb, r->in.last_order);
  ss_sb_printf(&sb, ",\"message\":");
  ss_sb_str(&sb, r->in.stop_message);
  ss_ctl_counts(r, &sb);
  ss_sb_printf(&sb, "}");
  ss_ctl_say(r, &sb);
}

/* Nothing runs below the limit now; if nothing ever can, the instance is done. */
static int reached_limit(runner *r, double next, double safe) {
  ss_instance *in = &r->in;
  if (r->stop_time != INFINITY) {
    if (safe <= r->stop_time || next < r->stop_time) return 0;
    while (in->nheap && in->heap[0].time == r->stop_time && in->heap[0].order < r->stop_order && !in->stop_message && !in->failed) ss_run_before(in, r->stop_time + 1, 1);
    if (in->stop_message) {
      own_stop(r);
      return 1;
    }
  } else if ((next < safe ? next : safe) < r->limit) return 0;
  r->state = DONE;
  promise_forever(r);
  ss_ctl_done(r);
  return 1;
}

static void stop_point(runner *r, double time, double order) {
  ss_instance *in = &r->in;
  r->stop_time = time;
  r->stop_order = order;
  if (in->executed > 0 && (in->now > time || (in->now == time && in->last_order > order))) {
    ss_sb sb = {0};
    ss_sb_printf(&sb, "{\"type\":\"overrun\",\"now\":");
    ss_sb_num(&sb, in->now);
    ss_sb_printf(&sb, "}");
    ss_ctl_say(r, &sb);
    if (r->state == RUNNING) {
      r->state = DONE;
      promise_forever(r);
      ss_ctl_done(r);
    }
  } else if (r->state == RUNNING && time < r->limit) r->limit = time;
}

/* Handles one command; returns "completed", "interrupted" or "failed" to end, else NULL. */
static const char *command(runner *r, ss_json *m) {
  const char *t = ss_json_str(m, "type");
  const char *ended = NULL;
  if (!t) ended = "failed";
  else if (!strcmp(t, "end")) {
    r->in.now = ss_json_num(m, "now", r->in.now);
    ended = "completed";
  } else if (!strcmp(t, "abort")) {
    const char *why = ss_json_str(m, "why");
    ended = why && !strcmp(why, "interrupted") ? "interrupted" : "failed";
  } else if (!strcmp(t, "stop")) stop_point(r, ss_json_num(m, "time", 0), ss_json_num(m, "order", 0));
  else if (!strcmp(t, "grant")) {
    double g = ss_json_num(m, "time", -INFINITY);
    if (g > r->granted && r->state == RUNNING)
      for (int i = 0; i < r->in.nchannels; i++) {
        ss_channel *ch = &r->in.channels[i];
        if (ch->inbound && g + ch->lookahead > ch->promise) ch->promise = g + ch->lookahead;
      }
    if (g > r->granted) r->granted = g;
  }
  ss_json_free(m);
  return ended;
}

static void periodic(runner *r) {
  double t = ss_clock_ns();
  if (t >= r->next_sample) {
    ss_ctl_profile(r, 0, NULL);
    r->next_sample = r->next_sample + r->profile_ns > t ? r->next_sample + r->profile_ns : t;
  }
  if (t >= r->next_progress) {
    r->next_progress = t + 1e9;
    ss_sb sb = {0};
    ss_sb_printf(&sb, "{\"type\":\"progress\",\"now\":");
    ss_sb_num(&sb, r->in.now);
    ss_sb_printf(&sb, ",\"events\":%.0f}", r->in.executed);
    ss_ctl_say(r, &sb);
  }
}

/* Waits up to `us` µs for the control connection or a channel to become readable; returns whether one did. */
static int wait_input(runner *r, double us) {
  struct pollfd fds[65];
  int k = 0;
  fds[k++] = (struct pollfd){r->ctl, POLLIN, 0};
  for (int i = 0; i < r->in.nchannels && k < 65; i++)
    if (!r->in.channels[i].closed) fds[k++] = (struct pollfd){r->in.channels[i].fd, POLLIN, 0};
  struct timespec ts = {(time_t)(us / 1e6), (long)fmod(us * 1e3, 1e9)};
  return ppoll(fds, (nfds_t)k, &ts, NULL) > 0;
}

/* Nothing can run: wait for input or a command, charged to the channel that held the safe time. */
static void block(runner *r) {
  flush(r);
  double t0 = ss_clock_ns();
  ss_channel *held = r->state == RUNNING ? r->limiting : NULL;
  if (!wait_input(r, 50) && r->state == RUNNING) {
    /* Tell the orchestrator, once per (next event, message counts): it may grant a bound or end the run. */
    double next = ss_next_time(&r->in), total = 0;
    for (int i = 0; i < r->in.nchannels; i++) total += r->in.channels[i].sent + r->in.channels[i].received;
    if (next != r->stuck_next || total != r->stuck_total) {
      r->stuck_next = next;
      r->stuck_total = total;
      ss_sb sb = {0};
      ss_sb_printf(&sb, "{\"type\":\"blocked\",\"now\":");
      ss_sb_num(&sb, r->in.now);
      ss_sb_printf(&sb, ",\"next\":");
      ss_sb_num(&sb, next);
      ss_ctl_counts(r, &sb);
      ss_sb_printf(&sb, "}");
      ss_ctl_say(r, &sb);
    }
  }
  wait_input(r, r->next_sample == INFINITY ? 1e5 : fmax(1e3, fmin(1e5, (r->next_sample - ss_clock_ns()) / 1e3)));
  if (held) held->wait_ns += ss_clock_ns() - t0;
  periodic(r);
}

static const char *loop(runner *r) {
  ss_instance *in = &r->in;
  flush(r);
  for (;;) {
    ss_ctl_read(r, 0);
    while (r->ninbox) {
      const char *ended = command(r, ss_ctl_next(r));
      if (ended) return ended;
    }
    for (int i = 0; i < in->nchannels; i++)
      if (ss_channel_poll(&in->channels[i]) < 0) {
        snprintf(in->failure, sizeof in->failure, "%s", in->channels[i].error);
        in->failed = 1;
        return "failed";
      }
    if (r->state != RUNNING) {
      block(r);
      continue;
    }
    double safe = safe_time(r), next = ss_next_time(in);
    send_due(r, next < safe ? next : safe);
    double limit = safe < r->limit ? safe : r->limit;
    if (next < limit) {
      double to = next_due(r);
      if (to > limit) to = limit;
      if (to <= next) to = next + 1;
      ss_run_before(in, to, SLICE);
      if (in->failed) return "failed";
      if (in->stop_message) own_stop(r);
      flush(r);
      periodic(r);
      continue;
    }
    if (!reached_limit(r, next, safe)) block(r);
    if (in->failed) return "failed";
  }
}

int ss_main(const ss_model *models, int nmodels) {
  static runner run;
  runner *r = &run;
  const uint16_t one = 1;
  signal(SIGPIPE, SIG_IGN);
  signal(SIGINT, SIG_IGN); /* a terminal's Ctrl-C is the orchestrator's to decide */
  const char *fd = getenv("SPLITSIM_CONTROL_FD");
  r->ctl = fd ? atoi(fd) : 3;
  r->stop_time = r->stop_order = r->next_sample = INFINITY;
  r->granted = -INFINITY;
  r->stuck_next = -1;
  uint32_t hello[6] = {16, SS_FRAME_RECORDS, SS_HELLO, 0, SS_HELLO_MAGIC, SS_PROTOCOL_VERSION};
  if (send(r->ctl, hello, sizeof hello, MSG_NOSIGNAL) != sizeof hello) {
    fprintf(stderr, "splitsim adapter: no control connection on fd %d (run me from splitsim, placement external)\n", r->ctl);
    return 2;
  }
  ss_json *setup = ss_ctl_expect(r, "setup");
  if (*(const uint8_t *)&one != 1) snprintf(r->in.failure, sizeof r->in.failure, "this adapter runs on a big-endian machine; the protocol is little-endian");
  else if (ss_json_num(setup, "protocol", 0) != SS_PROTOCOL_VERSION) snprintf(r->in.failure, sizeof r->in.failure, "the orchestrator speaks protocol version %.0f; this adapter speaks %d", ss_json_num(setup, "protocol", 0), SS_PROTOCOL_VERSION);
  else build(r, setup, models, nmodels);
  if (r->in.failure[0]) {
    ss_ctl_failed(r);
    return 1;
  }
  r->until = ss_json_num(setup, "until", INFINITY);
  r->limit = r->until + 1;
  r->profile_ns = ss_json_num(setup, "profileNs", 0);
  for (int i = 0; i < r->in.nchannels; i++) {
    ss_channel *ch = &r->in.channels[i];
    if (ch->listens && ss_channel_listen(ch, ch->path)) {
      snprintf(r->in.failure, sizeof r->in.failure, "cannot listen on %s: %s", ch->path, strerror(errno));
      ss_ctl_failed(r);
      return 1;
    }
  }
  ss_ctl_say_type(r, "ready");
  ss_json_free(ss_ctl_expect(r, "connect"));
  for (int i = 0; i < r->in.nchannels; i++) {
    ss_channel *ch = &r->in.channels[i];
    char *path = ch->path;
    if (ch->listens ? ss_channel_accept(ch) : (ch->path = NULL, ss_channel_connect(ch, path))) {
      snprintf(r->in.failure, sizeof r->in.failure, "channel %s: cannot connect: %s", ch->name, strerror(errno));
      ss_ctl_failed(r);
      return 1;
    }
    ss_channel_hello(ch);
  }
  ss_ctl_say_type(r, "connected");
  ss_json_free(ss_ctl_expect(r, "go"));
  if (r->profile_ns > 0) r->next_sample = ss_clock_ns() + r->profile_ns;
  r->next_progress = ss_clock_ns() + 1e9;
  for (int i = 0; i < r->in.ncomps && !r->in.failed; i++) {
    const ss_model *m = r->in.comps[i]->impl;
    if (m->init) m->init(r->in.comps[i]);
  }
  const char *how = r->in.failed ? "failed" : loop(r);
  int code = 0;
  if (r->in.failed) {
    ss_ctl_failed(r);
    code = 1;
  } else if (strcmp(how, "failed")) ss_ctl_finished(r, how);
  for (int i = 0; i < r->in.nchannels; i++) ss_channel_close(&r->in.channels[i]);
  ss_json_free(setup);
  return code;
}
