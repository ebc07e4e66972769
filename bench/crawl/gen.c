/* bench/crawl/gen.c — the crawl benchmark's catalog generator.
 *
 * Writes DIR/catalog.md (headings and "- [name](url)" entries) and
 * DIR/plan.txt (one line per link, in catalog order: index, host, latency in
 * ms, kind) for N links spread uniformly over NADDR hosts 127.0.0.1 … 127.0.0.NADDR
 * on one port. Latencies are uniform in [20, 200] ms; exactly 5% of the links
 * answer 404, 5% 301, 3% never answer, 2% 429 then 200, the rest 200. The same
 * seed gives the same files.
 *
 * usage: crawl_gen -n N -s SEED -p PORT -d DIR [-a NADDR] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { LAT_MIN = 20, LAT_MAX = 200, PER_HEADING = 100 };

typedef enum kind { K_OK, K_404, K_301, K_HANG, K_429 } kind;

static const char *const kind_name[] = {"ok", "404", "301", "hang", "429"};
static const char *const kind_path[] = {"ok", "nf", "mv", "hang", "rl"};

/* splitmix64: small, fast, and the same everywhere */
static uint64_t next_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint32_t below(uint64_t *s, uint32_t n)
{
    return (uint32_t)(next_rand(s) % n); /* the bias is negligible for n this small */
}

/* Exact shares of each kind, shuffled (Fisher-Yates). The caller frees. */
static kind *make_kinds(size_t n, uint64_t *rng)
{
    kind *k = malloc(n * sizeof *k);
    if (!k)
        return NULL;
    size_t share[] = {0, (n * 5 + 50) / 100, (n * 5 + 50) / 100, (n * 3 + 50) / 100,
                      (n * 2 + 50) / 100};
    size_t at = 0;
    for (int t = K_404; t <= K_429; t++)
        for (size_t i = 0; i < share[t] && at < n; i++)
            k[at++] = (kind)t;
    while (at < n)
        k[at++] = K_OK;
    for (size_t i = n; i > 1; i--) {
        size_t j = below(rng, (uint32_t)i);
        kind t = k[i - 1];
        k[i - 1] = k[j];
        k[j] = t;
    }
    return k;
}

static FILE *open_in(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        perror(path);
    return f;
}

static int write_files(FILE *cat, FILE *plan, size_t n, uint64_t seed, int port, int naddr)
{
    uint64_t rng = seed;
    kind *kinds = make_kinds(n, &rng);
    if (!kinds)
        return -1;
    fprintf(cat, "# Crawl benchmark\n\n%zu generated links over %d loopback hosts, seed %llu.\n", n,
            naddr, (unsigned long long)seed);
    fprintf(plan,
            "# refdex crawl plan: n=%zu seed=%llu port=%d hosts=%d\n"
            "# index host latency_ms kind\n",
            n, (unsigned long long)seed, port, naddr);
    for (size_t i = 0; i < n; i++) {
        if (i % PER_HEADING == 0)
            fprintf(cat, "\n## Group %zu\n\n", i / PER_HEADING + 1);
        int host = (int)below(&rng, (uint32_t)naddr) + 1;
        int lat = LAT_MIN + (int)below(&rng, LAT_MAX - LAT_MIN + 1);
        kind k = kinds[i];
        if (k == K_HANG)
            fprintf(cat, "- [link %zu](http://127.0.0.%d:%d/hang/%zu) - never answers\n", i, host,
                    port, i);
        else
            fprintf(cat, "- [link %zu](http://127.0.0.%d:%d/%s/%d/%zu) - %s after %d ms\n", i, host,
                    port, kind_path[k], lat, i, kind_name[k], lat);
        fprintf(plan, "%zu %d %d %s\n", i, host, lat, kind_name[k]);
    }
    free(kinds);
    return 0;
}

int main(int argc, char **argv)
{
    long n = -1, port = -1, naddr = 50;
    unsigned long long seed = 1;
    const char *dir = NULL;
    int opt;
    while ((opt = getopt(argc, argv, "n:s:p:d:a:")) != -1) {
        switch (opt) {
        case 'n': n = atol(optarg); break;
        case 's': seed = strtoull(optarg, NULL, 10); break;
        case 'p': port = atol(optarg); break;
        case 'd': dir = optarg; break;
        case 'a': naddr = atol(optarg); break;
        default: dir = NULL, n = -1; break;
        }
    }
    if (n < 1 || n > 10000000 || port < 1 || port > 65535 || naddr < 1 || naddr > 250 || !dir) {
        fprintf(stderr, "usage: crawl_gen -n N -s SEED -p PORT -d DIR [-a NADDR]\n");
        return 2;
    }
    FILE *cat = open_in(dir, "catalog.md"), *plan = open_in(dir, "plan.txt");
    int rc = cat && plan ? write_files(cat, plan, (size_t)n, seed, (int)port, (int)naddr) : -1;
    if (cat && fclose(cat) != 0)
        rc = -1;
    if (plan && fclose(plan) != 0)
        rc = -1;
    if (rc < 0)
        fprintf(stderr, "crawl_gen: could not write %s/catalog.md and plan.txt\n", dir);
    return rc < 0 ? 1 : 0;
}
