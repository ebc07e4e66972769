/* tests/fixture_main.c — the fixture server as a program, for the command-line
 * tests: prints its port on the first line, then "METHOD PATH" for every
 * request, and serves until SIGTERM/SIGINT or --lifetime seconds (default 120),
 * so it always stops by itself. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

int main(int argc, char **argv)
{
    int lifetime = 120;
    if (argc == 3 && !strcmp(argv[1], "--lifetime"))
        lifetime = atoi(argv[2]);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    rd_fixture *f = rd_fixture_start();
    if (!f) {
        fprintf(stderr, "fixture: cannot start\n");
        return 1;
    }
    printf("%d\n", rd_fixture_port(f));
    fflush(stdout);
    rd_fixture_log(f, stdout);
    for (int t = 0; !stop && t < lifetime * 10; t++)
        usleep(100 * 1000);
    rd_fixture_stop(f);
    return 0;
}
