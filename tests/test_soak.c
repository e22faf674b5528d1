/* Soak (issue 8, label `slow`): 50,000 connect/accept/send/close cycles over
 * loopback, with the descriptors (POSIX) or handles (Windows) the process
 * holds counted every SOAK_SAMPLE cycles: the count must stay flat. */
/* Longer than the usual watchdogs (ctest's TIMEOUT for this one is 600). */
#define PS_TEST_WATCHDOG_S 560
#define PS_TEST_PROGRAM_WATCHDOG_S 590
#include "ps_test.h"

#define SOAK_CYCLES 50000
#define SOAK_SAMPLE 2500
#define SOAK_LIMIT_S 500.0 /* ctest's limit is 600 s; Wine needs about a tenth */

/* One cycle: connect, accept, a message each way, close both ends. */
static void one_cycle(ps_socket *listener, const ps_addr *la, unsigned i)
{
    ps_socket *c, *s;
    unsigned char out[8], in[8];
    memcpy(out, &i, sizeof i);
    memcpy(out + 4, "soak", 4);
    ASSERT_OK(ps_socket_open(&c, PS_AF_INET, PS_SOCK_STREAM, 0));
    ASSERT_OK(ps_settimeout(c, 10.0));
    ASSERT_OK(ps_connect(c, la));
    ASSERT_OK(ps_accept(listener, &s, NULL));
    ASSERT_OK(ps_sendall(c, out, sizeof out, 0, NULL));
    test_recv_exact(s, in, sizeof in);
    ASSERT_MEMEQ(in, out, sizeof in);
    ASSERT_OK(ps_sendall(s, in, sizeof in, 0, NULL));
    test_recv_exact(c, in, sizeof in);
    ASSERT_MEMEQ(in, out, sizeof in);
    /* The client closes first: its end takes the TIME_WAIT, which loopback
     * reuses (Linux's tcp_tw_reuse default covers loopback). */
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

TEST(fifty_thousand_connection_cycles_hold_the_descriptor_count_flat)
{
    ps_addr la;
    ps_socket *l = test_listener(PS_AF_INET, &la);
    size_t start, low, high;
    unsigned i;
    double t0 = test_now(), took;
    ASSERT_OK(ps_settimeout(l, 10.0));
    one_cycle(l, &la, 0); /* first-use state of the socket layer, if any */
    start = low = high = test_handle_count();
    for (i = 1; i <= SOAK_CYCLES; i++) {
        one_cycle(l, &la, i);
        if (i % SOAK_SAMPLE == 0) {
            size_t n = test_handle_count();
            low = n < low ? n : low;
            high = n > high ? n : high;
            if (test_now() - t0 > SOAK_LIMIT_S)
                FAILF("only %u cycles in %.0f s", i, SOAK_LIMIT_S);
        }
    }
    took = test_now() - t0;
    NOTE("%d cycles in %.1f s (%.0f/s); descriptors/handles held: %zu at the start, %zu to %zu "
         "sampled every %d cycles",
         SOAK_CYCLES, took, SOAK_CYCLES / took, start, low, high, SOAK_SAMPLE);
    ASSERT_EQ(low, start);
    ASSERT_EQ(high, start);
    ASSERT_OK(ps_close(l));
}

TEST_LIST = {
    TEST_ENTRY(fifty_thousand_connection_cycles_hold_the_descriptor_count_flat),
};

TEST_MAIN()
