/*
 * Channel ends: record frames over a stream socket each way, and the channel's sync state
 * (docs/external-protocol.md). Records are written and read field by field with memcpy, in the
 * host's byte order: the protocol is little-endian, and ss_main refuses a big-endian host.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "splitsim.h"

#define HEADER 8
#define FRAME_BYTES (1u << 16)

double ss_clock_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

void ss_channel_init(ss_channel *ch, int id, const char *name, const char *peer, double lookahead, double sync_interval) {
  memset(ch, 0, sizeof *ch);
  ch->id = id;
  ch->name = strdup(name);
  ch->peer = strdup(peer);
  ch->lookahead = lookahead;
  ch->sync_interval = sync_interval;
  ch->fd = ch->server_fd = -1;
  ch->promise = lookahead; /* nothing is sent before time 0 */
  ch->last_sync = lookahead;
  ch->peer_needs_promises = 1;
  ch->out_cap = 2 * FRAME_BYTES;
  ch->out = malloc(ch->out_cap);
  ch->out_len = HEADER;
  ch->in_cap = 4 * FRAME_BYTES;
  ch->in = malloc(ch->in_cap);
}

static int address(struct sockaddr_un *a, const char *path) {
  memset(a, 0, sizeof *a);
  a->sun_family = AF_UNIX;
  if (strlen(path) >= sizeof a->sun_path) return -1;
  strcpy(a->sun_path, path);
  return 0;
}

int ss_channel_connect(ss_channel *ch, const char *path) {
  struct sockaddr_un a;
  ch->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (ch->fd < 0 || address(&a, path) || connect(ch->fd, (struct sockaddr *)&a, sizeof a)) return -1;
  return 0;
}

int ss_channel_listen(ss_channel *ch, const char *path) {
  struct sockaddr_un a;
  ch->path = strdup(path);
  ch->server_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (ch->server_fd < 0 || address(&a, path) || bind(ch->server_fd, (struct sockaddr *)&a, sizeof a) || listen(ch->server_fd, 1)) return -1;
  return 0;
}

int ss_channel_accept(ss_channel *ch) {
  ch->fd = accept4(ch->server_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
  close(ch->server_fd);
  ch->server_fd = -1;
  return ch->fd < 0 ? -1 : 0;
}

void ss_channel_add_link(ss_channel *ch, int link, int handler, double latency) {
  if (link >= ch->nlinks) {
    int n = link + 1;
    ch->handler_of = realloc(ch->handler_of, (size_t)n * sizeof(int));
    ch->latency_of = realloc(ch->latency_of, (size_t)n * sizeof(double));
    for (int i = ch->nlinks; i < n; i++) ch->handler_of[i] = -1, ch->latency_of[i] = 0;
    ch->nlinks = n;
  }
  ch->handler_of[link] = handler;
  ch->latency_of[link] = latency;
  if (handler >= 0) ch->inbound = 1;
}

/* Room for `bytes` more in the outbound frame. */
static uint8_t *room(ss_channel *ch, size_t bytes) {
  if (ch->out_len + bytes > ch->out_cap) {
    ch->out_cap = (ch->out_len + bytes) * 2;
    ch->out = realloc(ch->out, ch->out_cap);
  }
  uint8_t *p = ch->out + ch->out_len;
  ch->out_len += bytes;
  return p;
}

static void put32(uint8_t *p, int32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, double v) { memcpy(p, &v, 8); }
static int32_t get32(const uint8_t *p) { int32_t v; memcpy(&v, p, 4); return v; }
static double get64(const uint8_t *p) { double v; memcpy(&v, p, 8); return v; }

void ss_channel_hello(ss_channel *ch) {
  uint8_t *p = room(ch, 16);
  put32(p, SS_HELLO);
  put32(p + 4, ch->inbound ? 1 : 0);
  put32(p + 8, (int32_t)SS_HELLO_MAGIC);
  put32(p + 12, SS_PROTOCOL_VERSION);
  ss_channel_publish(ch);
}

void ss_channel_num(ss_channel *ch, int link, double time, double order, double num) {
  uint8_t *p = room(ch, 32);
  put32(p, SS_NUM);
  put32(p + 4, link);
  put64(p + 8, time);
  put64(p + 16, order);
  put64(p + 24, num);
  ch->sent++;
  if (ch->out_len >= FRAME_BYTES) ss_channel_publish(ch);
}

/* A reference goes out as it came in: msgpack bytes as REF, a flat one's fields as FLAT (its shape announced first). */
void ss_channel_ref(ss_channel *ch, int link, double time, double order, double num, const ss_ref *ref) {
  uint32_t len = ref->len, padded = (len + 7) & ~7u;
  int32_t word = SS_REF | (int32_t)(len << 8);
  if (ref->type == SS_FLAT) {
    int id = 0;
    while (id < ch->nout_shapes && strcmp(ch->out_shapes[id], ref->keys)) id++;
    if (id == ch->nout_shapes) {
      uint32_t k = (uint32_t)strlen(ref->keys), kp = (k + 7) & ~7u;
      uint8_t *s = room(ch, 32 + kp);
      memset(s, 0, 32 + kp);
      put32(s, SS_SHAPE | (int32_t)(k << 8));
      put32(s + 4, id);
      memcpy(s + 32, ref->keys, k);
      ch->out_shapes = realloc(ch->out_shapes, (size_t)(id + 1) * sizeof(char *));
      ch->out_shapes[ch->nout_shapes++] = strdup(ref->keys);
    }
    word = SS_FLAT | (id << 8);
  }
  uint8_t *p = room(ch, 32 + padded);
  memset(p, 0, 32 + padded);
  put32(p, word);
  put32(p + 4, link);
  put64(p + 8, time);
  put64(p + 16, order);
  put64(p + 24, num);
  memcpy(p + 32, ref->data, len);
  ch->sent++;
  if (ch->out_len >= FRAME_BYTES) ss_channel_publish(ch);
}

void ss_channel_sync(ss_channel *ch, double promise, double basis) {
  double t0 = ss_clock_ns();
  uint8_t *p = room(ch, 16);
  put32(p, SS_SYNC);
  put32(p + 4, 0);
  put64(p + 8, promise);
  ch->last_sync = promise;
  ch->last_sent_at = basis;
  ss_channel_publish(ch);
  ch->sync_msgs++;
  ch->sync_ns += ss_clock_ns() - t0;
}

double ss_channel_promised(const ss_channel *ch) {
  double implied = ch->last_sent_at + ch->lookahead;
  return implied > ch->last_sync ? implied : ch->last_sync;
}

/* Moves what the socket holds into ch->in (without decoding), noting when the peer closed it. */
static void read_raw(ss_channel *ch) {
  while (!ch->closed) {
    if (ch->in_cap - ch->in_len < FRAME_BYTES) ch->in = realloc(ch->in, ch->in_cap *= 2);
    ssize_t n = recv(ch->fd, ch->in + ch->in_len, ch->in_cap - ch->in_len, 0);
    if (n > 0) ch->in_len += (size_t)n;
    else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    else if (n < 0 && errno == EINTR) continue;
    else ch->closed = 1; /* peers close once the run is over or failed; the control connection decides */
  }
}

void ss_channel_publish(ss_channel *ch) {
  if (ch->out_len == HEADER) return;
  double t0 = ss_clock_ns();
  put32(ch->out, (int32_t)(ch->out_len - HEADER));
  put32(ch->out + 4, 0);
  size_t off = 0;
  while (off < ch->out_len && !ch->closed) {
    ssize_t n = send(ch->fd, ch->out + off, ch->out_len - off, MSG_NOSIGNAL);
    if (n > 0) off += (size_t)n;
    else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      /* The peer is not reading: take in what our peers sent meanwhile, so two ends that both write cannot wait on each other. */
      struct pollfd fds[65];
      int k = 0;
      fds[k++] = (struct pollfd){ch->fd, POLLOUT, 0};
      for (int i = 0; i < ch->nall && k < 65; i++)
        if (!ch->all[i]->closed) fds[k++] = (struct pollfd){ch->all[i]->fd, POLLIN, 0};
      poll(fds, (nfds_t)k, -1);
      for (int i = 0; i < ch->nall; i++) read_raw(ch->all[i]);
    } else if (n < 0 && errno == EINTR) continue;
    else ch->closed = 1;
  }
  ch->out_len = HEADER;
  ch->tx_ns += ss_clock_ns() - t0;
}

static int refuse(ss_channel *ch, const char *what) {
  snprintf(ch->error, sizeof ch->error, "channel %s: instance %s sent %s", ch->name, ch->peer, what);
  return -1;
}

static int shape(ss_channel *ch, int id, const uint8_t *text, uint32_t len) {
  if (id != ch->nshapes) return refuse(ch, "a shape announced out of order");
  ss_json *keys = ss_json_parse((const char *)text, len);
  if (!keys || keys->type != SS_JSON_ARRAY || keys->count == 0) { ss_json_free(keys); return refuse(ch, "a malformed shape"); }
  ch->shape_fields = realloc(ch->shape_fields, (size_t)(id + 1) * sizeof(int));
  ch->shape_keys = realloc(ch->shape_keys, (size_t)(id + 1) * sizeof(char *));
  ch->shape_fields[id] = keys->count;
  ch->shape_keys[id] = strndup((const char *)text, len);
  ch->nshapes++;
  ss_json_free(keys);
  return 0;
}

/* Decodes one frame body; returns records read or -1. */
static int records(ss_channel *ch, const uint8_t *p, size_t end) {
  size_t off = 0;
  int n = 0;
  while (off < end) {
    int32_t word = get32(p + off);
    int type = word & 0xFF;
    uint32_t len = (uint32_t)word >> 8;
    size_t size = type == SS_NUM ? 32 : type == SS_SYNC || type == SS_HELLO ? 16
                : type == SS_REF || type == SS_SHAPE ? 32 + ((len + 7) & ~7u)
                : type == SS_FLAT && (int)len < ch->nshapes ? 32 + 8 * (size_t)ch->shape_fields[len] : 0;
    if (size == 0) return refuse(ch, type == SS_FLAT ? "a flat record of a shape never announced" : "a record of an unknown type");
    if (size > end - off) return refuse(ch, "a record that runs past the end of its frame");
    if (!ch->hello_seen && type != SS_HELLO) return refuse(ch, "a record before its HELLO");
    n++;
    if (type == SS_HELLO) {
      if ((uint32_t)get32(p + off + 8) != SS_HELLO_MAGIC) return refuse(ch, "a HELLO without the SSIM magic");
      if (get32(p + off + 12) != SS_PROTOCOL_VERSION) return refuse(ch, "a HELLO of another protocol version");
      ch->hello_seen = 1;
      ch->peer_needs_promises = get32(p + off + 4) & 1;
    } else if (type == SS_SYNC) {
      double promise = get64(p + off + 8);
      if (promise > ch->promise) ch->promise = promise;
    } else if (type == SS_SHAPE) {
      if (shape(ch, get32(p + off + 4), p + off + 32, len) < 0) return -1;
    } else {
      int link = get32(p + off + 4);
      double time = get64(p + off + 8);
      if (link < 0 || link >= ch->nlinks || ch->handler_of[link] < 0) return refuse(ch, "a message on a link whose port here does not receive");
      if (!(time >= ch->promise)) return refuse(ch, "a message below its promise: it broke its promise");
      ss_ref *ref = NULL;
      if (type != SS_NUM) {
        ref = malloc(sizeof *ref);
        ref->type = type;
        ref->len = type == SS_REF ? len : (uint32_t)(size - 32);
        ref->data = malloc(ref->len + 1);
        memcpy(ref->data, p + off + 32, ref->len);
        ref->keys = type == SS_FLAT ? ch->shape_keys[len] : NULL;
      }
      ch->deliver(ch->deliver_to, time, get64(p + off + 16), ch->handler_of[link], get64(p + off + 24), ref);
      double implied = time - ch->latency_of[link] + ch->lookahead;
      if (implied > ch->promise) ch->promise = implied;
      ch->received++;
    }
    off += size;
  }
  return n;
}

int ss_channel_poll(ss_channel *ch) {
  read_raw(ch);
  if (ch->in_len < HEADER) return 0;
  double t0 = ss_clock_ns();
  size_t off = 0;
  int n = 0;
  while (ch->in_len - off >= HEADER) {
    uint32_t body = (uint32_t)get32(ch->in + off);
    if (get32(ch->in + off + 4) != 0 || body % 8 || body > SS_MAX_FRAME_BODY) return refuse(ch, "a malformed frame header");
    if (ch->in_len - off < HEADER + body) break;
    int k = records(ch, ch->in + off + HEADER, body);
    if (k < 0) return -1;
    n += k;
    off += HEADER + body;
  }
  memmove(ch->in, ch->in + off, ch->in_len - off);
  ch->in_len -= off;
  ch->rx_ns += ss_clock_ns() - t0;
  return n;
}

void ss_channel_close(ss_channel *ch) {
  if (ch->fd >= 0) close(ch->fd);
  if (ch->server_fd >= 0) close(ch->server_fd);
  if (ch->path) unlink(ch->path);
  ch->fd = ch->server_fd = -1;
}
