/*
 * external.fifo in C: one server, one FIFO line, exponential or deterministic service. Jobs
 * arrive as numbers (their creation time) and leave, after service, with the same number. The
 * same model as adapters/python/fifo_server.py, operation for operation: the two give the same
 * bytes in metrics.json for the same seed.
 */
#include <stdlib.h>
#include <string.h>

#include "splitsim.h"

typedef struct {
  int exponential;
  double mean;
  ss_port *out;
  int done;
  ss_tally *wait, *response;
  ss_batch_means *response_ci;
  double *served;
  /* The line: a ring of (created, arrived) pairs. */
  double *line;
  size_t head, length, cap;
  int busy;
  double created, arrived; /* the job in service */
} fifo;

static void begin(ss_component *c, double created, double arrived) {
  fifo *f = c->state;
  f->busy = 1;
  ss_tally_add(f->wait, ss_now(c) - arrived);
  f->created = created;
  f->arrived = arrived;
  ss_schedule(c, f->done, f->exponential ? ss_rng_exponential(&c->rng, f->mean) : f->mean, 0);
}

static void arrive(ss_component *c, double created, const ss_ref *ref) {
  (void)ref;
  fifo *f = c->state;
  if (!f->busy) {
    begin(c, created, ss_now(c));
    return;
  }
  if (f->length == f->cap) {
    size_t cap = f->cap ? 2 * f->cap : 64;
    double *line = malloc(2 * cap * sizeof(double));
    for (size_t k = 0; k < f->length; k++) memcpy(line + 2 * k, f->line + 2 * ((f->head + k) % f->cap), 2 * sizeof(double));
    free(f->line);
    f->line = line;
    f->head = 0;
    f->cap = cap;
  }
  size_t i = (f->head + f->length++) % f->cap;
  f->line[2 * i] = created;
  f->line[2 * i + 1] = ss_now(c);
}

static void complete(ss_component *c, double num, const ss_ref *ref) {
  (void)num, (void)ref;
  fifo *f = c->state;
  double r = ss_now(c) - f->arrived;
  ss_tally_add(f->response, r);
  ss_batch_means_add(f->response_ci, r);
  *f->served += 1;
  ss_send(f->out, f->created, NULL);
  if (f->length > 0) {
    size_t i = f->head;
    f->head = (f->head + 1) % f->cap;
    f->length--;
    begin(c, f->line[2 * i], f->line[2 * i + 1]);
  } else f->busy = 0;
}

static int create(ss_component *c) {
  fifo *f = c->state = calloc(1, sizeof(fifo));
  const char *service = ss_param_str(c, "service");
  f->mean = ss_param_num(c, "mean", 0);
  if (!service || (strcmp(service, "exponential") && strcmp(service, "deterministic")) || !(f->mean > 0))
    return ss_fail(c, "external.fifo needs service \"exponential\" or \"deterministic\" and a mean > 0");
  f->exponential = !strcmp(service, "exponential");
  f->out = ss_port_open(c, "out", NULL);
  ss_port_open(c, "in", arrive);
  f->done = ss_timer(c, complete);
  f->wait = ss_tally_new(c, "wait");
  f->response = ss_tally_new(c, "response");
  f->response_ci = ss_batch_means_new(c, "responseBatchMeans", 32);
  f->served = ss_counter(c, "served");
  return 0;
}

static const ss_model models[] = {{"external.fifo", create, NULL, NULL}};

int main(void) { return ss_main(models, 1); }
