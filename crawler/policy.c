/* crawler/policy.c — the address policy: which resolved addresses a transfer
 * may connect to. This is the security boundary between a catalog's links and
 * the machine's network: link-local and cloud metadata addresses are always
 * refused, private and loopback ones unless --allow-private. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"

static int v4_in(uint32_t a, const char *net, int bits)
{
    struct in_addr n;
    inet_pton(AF_INET, net, &n);
    uint32_t mask = bits ? 0xFFFFFFFFu << (32 - bits) : 0;
    return (a & mask) == (ntohl(n.s_addr) & mask);
}

static const char *v4_refusal(uint32_t a, int allow_private)
{
    if (v4_in(a, "169.254.0.0", 16))
        return "a link-local address (cloud metadata lives there)";
    if (v4_in(a, "0.0.0.0", 8) || v4_in(a, "224.0.0.0", 4) || v4_in(a, "240.0.0.0", 4))
        return "not a unicast address";
    if (v4_in(a, "100.100.100.200", 32))
        return "a cloud metadata address";
    if (allow_private)
        return NULL;
    if (v4_in(a, "127.0.0.0", 8))
        return "a loopback address (allow with --allow-private)";
    if (v4_in(a, "10.0.0.0", 8) || v4_in(a, "172.16.0.0", 12) || v4_in(a, "192.168.0.0", 16) ||
        v4_in(a, "100.64.0.0", 10))
        return "a private address (allow with --allow-private)";
    return NULL;
}

const char *rd_address_refusal(const struct sockaddr *sa, int allow_private)
{
    if (sa->sa_family == AF_INET)
        return v4_refusal(ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr), allow_private);
    if (sa->sa_family != AF_INET6)
        return "not an internet address";
    const uint8_t *b = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (!memcmp(b, mapped, 12))
        return v4_refusal((uint32_t)b[12] << 24 | b[13] << 16 | b[14] << 8 | b[15], allow_private);
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
        return "a link-local address";
    if (b[0] == 0xff)
        return "not a unicast address";
    /* fd00:ec2::254, AWS's instance metadata over IPv6 */
    static const uint8_t aws[16] = {0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0,    0,
                                    0,    0,    0,    0,    0, 0, 0x02, 0x54};
    if (!memcmp(b, aws, 16) || !memcmp(b, in6addr_any.s6_addr, 16))
        return "a cloud metadata or unspecified address";
    if (allow_private)
        return NULL;
    if (!memcmp(b, in6addr_loopback.s6_addr, 16))
        return "a loopback address (allow with --allow-private)";
    if ((b[0] & 0xfe) == 0xfc)
        return "a private address (allow with --allow-private)";
    return NULL;
}

/* Checked on the resolved address, for every connection: DNS rebinding
 * cannot get around it. */
curl_socket_t rd_open_socket(void *ud, curlsocktype purpose, struct curl_sockaddr *a)
{
    slot *s = ud;
    (void)purpose;
    const char *why = rd_address_refusal(&a->addr, s->eng->o->allow_private);
    if (why) {
        char ip[INET6_ADDRSTRLEN] = "?";
        const void *p = a->family == AF_INET
                            ? (const void *)&((struct sockaddr_in *)&a->addr)->sin_addr
                            : (const void *)&((struct sockaddr_in6 *)&a->addr)->sin6_addr;
        inet_ntop(a->family, p, ip, sizeof ip);
        snprintf(s->refused, sizeof s->refused, "refused to connect to %s: %s", ip, why);
        return CURL_SOCKET_BAD;
    }
    return socket(a->family, a->socktype, a->protocol);
}
