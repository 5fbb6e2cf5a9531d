/*
 * The control connection of an external instance (fd 3): HELLO, reading commands, and every
 * report the program sends (docs/external-protocol.md, control messages, statistics, profile).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

double ss_wall_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

void ss_ctl_say(runner *r, ss_sb *sb) {
  uint32_t head[2] = {(uint32_t)sb->len, SS_FRAME_JSON};
  if (send(r->ctl, head, 8, MSG_NOSIGNAL) != 8 || send(r->ctl, sb->buf, sb->len, MSG_NOSIGNAL) != (ssize_t)sb->len) exit(1);
  free(sb->buf);
  *sb = (ss_sb){0};
}

void ss_ctl_say_type(runner *r, const char *type) {
  ss_sb sb = {0};
  ss_sb_printf(&sb, "{\"type\":\"%s\"}", type);
  ss_ctl_say(r, &sb);
}

void ss_ctl_counts(runner *r, ss_sb *sb) {
  ss_sb_printf(sb, ",\"counts\":[");
  for (int i = 0; i < r->in.nchannels; i++) {
    ss_channel *ch = &r->in.channels[i];
    ss_sb_printf(sb, "%s[%d,%.0f,%.0f]", i ? "," : "", ch->id, ch->sent, ch->received);
  }
  ss_sb_printf(sb, "]");
}

/* Reads control frames; blocking until one arrives if asked. The orchestrator gone: so are we. */
void ss_ctl_read(runner *r, int block) {
  if (r->cap - r->len < 65536) r->buf = realloc(r->buf, r->cap = r->cap * 2 + 65536);
  ssize_t n = recv(r->ctl, r->buf + r->len, r->cap - r->len, block ? 0 : MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) exit(1);
  r->len += (size_t)n;
  size_t off = 0;
  while (r->len - off >= 8) {
    uint32_t length, kind;
    memcpy(&length, r->buf + off, 4);
    memcpy(&kind, r->buf + off + 4, 4);
    if (length > SS_MAX_FRAME_BODY || kind > SS_FRAME_JSON) exit(2);
    if (r->len - off < 8 + length) break;
    const uint8_t *body = r->buf + off + 8;
    if (!r->hello_seen) {
      uint32_t magic, version;
      memcpy(&magic, body + 8, 4);
      memcpy(&version, body + 12, 4);
      if (kind != SS_FRAME_RECORDS || length != 16 || body[0] != SS_HELLO || magic != SS_HELLO_MAGIC) {
        fprintf(stderr, "splitsim adapter: the control connection did not start with HELLO\n");
        exit(2);
      }
      if (version != SS_PROTOCOL_VERSION) {
        fprintf(stderr, "splitsim adapter: the orchestrator speaks protocol version %u; this adapter speaks %d\n", version, SS_PROTOCOL_VERSION);
        exit(2);
      }
      r->hello_seen = 1;
    } else {
      ss_json *m = ss_json_parse((const char *)body, length);
      if (!m) exit(2);
      r->inbox = realloc(r->inbox, (size_t)(r->ninbox + 1) * sizeof *r->inbox);
      r->inbox[r->ninbox++] = m;
    }
    off += 8 + length;
  }
  memmove(r->buf, r->buf + off, r->len - off);
  r->len -= off;
}

ss_json *ss_ctl_next(runner *r) {
  ss_json *m = r->inbox[0];
  memmove(r->inbox, r->inbox + 1, (size_t)--r->ninbox * sizeof *r->inbox);
  return m;
}

/* Blocks for the next control message, which must be of `type` (an abort ends the program). */
ss_json *ss_ctl_expect(runner *r, const char *type) {
  while (!r->ninbox) ss_ctl_read(r, 1);
  ss_json *m = ss_ctl_next(r);
  const char *t = ss_json_str(m, "type");
  if (t && !strcmp(t, "abort")) exit(0);
  if (!t || strcmp(t, type)) {
    fprintf(stderr, "splitsim adapter: expected %s, got %s\n", type, t ? t : "?");
    exit(2);
  }
  return m;
}


void ss_ctl_done(runner *r) {
  ss_sb sb = {0};
  ss_sb_printf(&sb, "{\"type\":\"done\",\"now\":");
  ss_sb_num(&sb, r->in.now);
  ss_sb_printf(&sb, ",\"queue\":%d", r->in.nheap);
  ss_ctl_counts(r, &sb);
  ss_sb_printf(&sb, "}");
  ss_ctl_say(r, &sb);
}


void ss_ctl_profile(runner *r, int final, const char *status) {
  ss_sb sb = {0};
  ss_sb_printf(&sb, "{\"type\":\"profile\",\"wallNs\":%.0f,\"simPs\":", ss_wall_ns());
  ss_sb_num(&sb, r->in.now);
  ss_sb_printf(&sb, ",\"events\":%.0f,\"channels\":[", r->in.executed);
  for (int i = 0; i < r->in.nchannels; i++) {
    ss_channel *ch = &r->in.channels[i];
    ss_sb_printf(&sb, "%s{\"channel\":%d,\"waitNs\":%.0f,\"rxNs\":%.0f,\"txNs\":%.0f,\"syncNs\":%.0f,\"rxMsgs\":%.0f,\"txMsgs\":%.0f,\"syncMsgs\":%.0f}",
                 i ? "," : "", ch->id, ch->wait_ns, ch->rx_ns, ch->tx_ns, ch->sync_ns, ch->received, ch->sent, ch->sync_msgs);
  }
  ss_sb_printf(&sb, "],\"final\":%s", final ? "true" : "false");
  if (status) ss_sb_printf(&sb, ",\"status\":\"%s\"", status);
  ss_sb_printf(&sb, "}");
  ss_ctl_say(r, &sb);
}


void ss_ctl_finished(runner *r, const char *status) {
  ss_instance *in = &r->in;
  for (int i = 0; i < in->ncomps; i++) {
    const ss_model *m = in->comps[i]->impl;
    if (m->finish) m->finish(in->comps[i]);
  }
  if (r->profile_ns > 0) ss_ctl_profile(r, 1, status);
  ss_sb sb = {0};
  ss_sb_printf(&sb, "{\"type\":\"finished\",\"status\":\"%s\",\"now\":", status);
  ss_sb_num(&sb, in->now);
  ss_sb_printf(&sb, ",\"events\":%.0f,\"metrics\":[", in->executed);
  for (int i = 0; i < in->ncomps; i++) {
    ss_component *c = in->comps[i];
    ss_sb_printf(&sb, "%s{\"id\":%d,\"events\":%.0f,\"stats\":{", i ? "," : "", c->id, c->events);
    for (int k = 0; k < c->nstats; k++) {
      ss_stat *s = c->stats[k];
      ss_sb_printf(&sb, "%s", k ? "," : "");
      ss_sb_str(&sb, s->name);
      if (s->type == SS_STAT_COUNTER) {
        ss_sb_printf(&sb, ":{\"counter\":");
        ss_sb_num(&sb, s->counter);
      } else if (s->type == SS_STAT_TALLY) {
        ss_tally t = s->tally;
        if (t.count == 0) t.min = t.max = 0;
        ss_sb_printf(&sb, ":{\"tally\":[");
        double v[5] = {t.count, t.mean, t.m2, t.min, t.max};
        for (int q = 0; q < 5; q++) ss_sb_printf(&sb, "%s", q ? "," : ""), ss_sb_num(&sb, v[q]);
        ss_sb_printf(&sb, "]");
      } else {
        ss_batch_means *b = &s->batch;
        ss_sb_printf(&sb, ":{\"batchMeans\":{\"count\":%.0f,\"batchSize\":%.0f,\"sums\":[", b->count, b->batch_size);
        for (int q = 0; q < b->batches; q++) ss_sb_printf(&sb, "%s", q ? "," : ""), ss_sb_num(&sb, b->sums[q]);
        ss_sb_printf(&sb, "]}");
      }
      ss_sb_printf(&sb, "}");
    }
    ss_sb_printf(&sb, "}}");
  }
  ss_sb_printf(&sb, "]}");
  ss_ctl_say(r, &sb);
}

void ss_ctl_failed(runner *r) {
  ss_sb sb = {0};
  ss_sb_printf(&sb, "{\"type\":\"failed\",\"message\":");
  ss_sb_str(&sb, r->in.failure);
  if (r->in.failed_component) {
    ss_sb_printf(&sb, ",\"component\":");
    ss_sb_str(&sb, r->in.failed_component->path);
    ss_sb_printf(&sb, ",\"time\":");
    ss_sb_num(&sb, r->in.now);
    ss_sb_printf(&sb, ",\"event\":%.0f", r->in.executed);
  }
  ss_sb_printf(&sb, "}");
  ss_ctl_say(r, &sb);
  fprintf(stderr, "splitsim adapter: %s\n", r->in.failure);
}

