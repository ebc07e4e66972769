/* tests/fixture_main.c — the fixture server as a program, for the command-line
 * tests: prints its port on the first line, then "METHOD PATH" for every
 * request, and serves until SIGTERM/SIGINT or --lifetime seconds (default 120),
 * so it always stops by itself. --hosts N serves on 127.0.0.1 to 127.0.0.N,
 * all on the same port, for tests that need links on several hosts. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"

enum { MAX_HOSTS = 32 };

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

int main(int argc, char **argv)
{
    int lifetime = 120, hosts = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--lifetime"))
            lifetime = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--hosts"))
            hosts = atoi(argv[i + 1]);
    }
    if (hosts < 1 || hosts > MAX_HOSTS) {
        fprintf(stderr, "fixture: --hosts is 1 to %d\n", MAX_HOSTS);
        return 2;
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    rd_fixture *f[MAX_HOSTS] = {0};
    f[0] = rd_fixture_start();
    for (int i = 1; f[0] && i < hosts; i++) {
        char addr[32];
        snprintf(addr, sizeof addr, "127.0.0.%d", i + 1);
        if (!(f[i] = rd_fixture_start_at(addr, rd_fixture_port(f[0])))) {
            fprintf(stderr, "fixture: cannot listen on %s:%d\n", addr, rd_fixture_port(f[0]));
            for (int j = 0; j < i; j++)
                rd_fixture_stop(f[j]);
            return 1;
        }
    }
    if (!f[0]) {
        fprintf(stderr, "fixture: cannot start\n");
        return 1;
    }
    printf("%d\n", rd_fixture_port(f[0]));
    fflush(stdout);
    for (int i = 0; i < hosts; i++)
        rd_fixture_log(f[i], stdout);
    for (int t = 0; !stop && t < lifetime * 10; t++)
        usleep(100 * 1000);
    for (int i = 0; i < hosts; i++)
        rd_fixture_stop(f[i]);
    return 0;
}
