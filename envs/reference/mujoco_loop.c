// MuJoCo's own C loop for speed.py's comparison: loads an MJCF file and times mj_step with pre-generated
// uniform controls, one physics step per call, over whole blocks for at least a given time per round.
// Built by mujoco_speed.py against the mujoco wheel's libmujoco and headers:
//     mujoco_loop <model.xml> <frame_skip> <rounds> <seconds>
// prints one line per round: "<physics steps per second>".
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <mujoco/mujoco.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(int argc, char** argv) {
  if (argc != 5) { fprintf(stderr, "usage: %s model.xml frame_skip rounds seconds\n", argv[0]); return 2; }
  char error[1000];
  mjModel* m = mj_loadXML(argv[1], NULL, error, sizeof(error));
  if (!m) { fprintf(stderr, "%s\n", error); return 1; }
  mjData* d = mj_makeData(m);
  int frameSkip = atoi(argv[2]), rounds = atoi(argv[3]);
  double seconds = atof(argv[4]);
  enum { ACTIONS = 4096, BLOCK = 1000 };
  double* actions = malloc(sizeof(double) * ACTIONS * m->nu);
  srand(0);
  for (int i = 0; i < ACTIONS * m->nu; i++) {
    int a = i % m->nu;
    double low = m->actuator_ctrlrange[2 * a], high = m->actuator_ctrlrange[2 * a + 1];
    actions[i] = low + (high - low) * rand() / (double)RAND_MAX;
  }
  long index = 0;
  for (int round = -1; round < rounds; round++) {  // round -1 warms up
    long steps = 0;
    double start = now(), elapsed;
    do {
      for (int k = 0; k < BLOCK; k++) {
        if (k % frameSkip == 0) {
          for (int a = 0; a < m->nu; a++) d->ctrl[a] = actions[(index % ACTIONS) * m->nu + a];
          index++;
        }
        mj_step(m, d);
        if (k % 4000 == 0 && (d->qpos[0] != d->qpos[0])) mj_resetData(m, d);
      }
      steps += BLOCK;
      elapsed = now() - start;
    } while (elapsed < seconds);
    if (round >= 0) printf("%.1f\n", steps / elapsed);
  }
  mj_deleteData(d);
  mj_deleteModel(m);
  free(actions);
  return 0;
}
