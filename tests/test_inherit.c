/* Inheritance: sockets are born non-inheritable, ps_set_inheritable changes
 * the native flag, and a child process (tests/inherit_child.c, started with
 * handle inheritance on) gets the socket only after ps_set_inheritable(s, 1).
 *
 * POSIX: the child uses the descriptor (sends a byte through it).
 * Windows: the same. Wine 8: the child sees the inherited handle
 * (GetHandleInformation works) but Winsock there says it is no socket
 * (WSAENOTSOCK): Wine keeps its socket table per process (wine.md). */
#include "ps_test.h"

#ifndef _WIN32
#include <fcntl.h>
#include <spawn.h>
extern char **environ;
#endif

/* What inherit_child reports (its exit status). */
#define CHILD_SENT 0
#define CHILD_NOT_THERE 10
#define CHILD_THERE_BUT_NO_SOCKET 11
#define CHILD_THERE_SEND_FAILED 12

/* The native flag itself: 1 when a child would inherit h. */
static int native_inheritable(ps_socket *s)
{
#ifdef _WIN32
    DWORD flags = 0;
    ASSERT_TRUE(GetHandleInformation((HANDLE)ps_fileno(s), &flags));
    return (flags & HANDLE_FLAG_INHERIT) != 0;
#else
    int fl = fcntl(ps_fileno(s), F_GETFD);
    ASSERT_GE(fl, 0);
    return (fl & FD_CLOEXEC) == 0;
#endif
}

static void expect_not_inheritable(ps_socket *s, const char *what)
{
    int r = ps_get_inheritable(s);
    if (r != 0 || native_inheritable(s) != 0)
        FAILF("%s: inheritable (ps_get_inheritable %d, native %d)", what, r, native_inheritable(s));
}

/* Runs inherit_child with the value of h, handle inheritance on, and returns
 * its exit status (bounded: 20 s). */
static int run_child(ps_native h)
{
    char arg[32];
#ifdef _WIN32
    char path[MAX_PATH + 1], cmd[2 * MAX_PATH + 64];
    char *slash;
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    DWORD n = GetModuleFileNameA(NULL, path, MAX_PATH), code = 0, w;
    /* The child is built next to this program (tests/CMakeLists.txt). */
    ASSERT_TRUE(n > 0 && n < MAX_PATH);
    path[n] = '\0';
    slash = strrchr(path, '\\');
    if (slash == NULL)
        slash = strrchr(path, '/');
    ASSERT_NOT_NULL(slash);
    ASSERT_LT((size_t)(slash - path) + 32, sizeof path);
    strcpy(slash + 1, "inherit_child.exe");
    snprintf(arg, sizeof arg, "%llu", (unsigned long long)h);
    snprintf(cmd, sizeof cmd, "\"%s\" %s", path, arg);
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    memset(&pi, 0, sizeof pi);
    if (!CreateProcessA(path, cmd, NULL, NULL, TRUE /* inherit handles */, 0, NULL, NULL, &si, &pi))
        FAILF("CreateProcess(%s) failed: %lu", path, (unsigned long)GetLastError());
    w = WaitForSingleObject(pi.hProcess, 20000);
    if (w != WAIT_OBJECT_0) {
        TerminateProcess(pi.hProcess, 99);
        FAILF("inherit_child did not end within 20 s");
    }
    ASSERT_TRUE(GetExitCodeProcess(pi.hProcess, &code));
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return (int)code;
#else
    /* Under qemu-user (PS_TEST_EMULATOR: its command, words split by
     * spaces) the child, a program of the target's architecture, starts
     * through the emulator: the host kernel cannot run it. */
    char *argv[12], emulator[512];
    const char *emu = getenv("PS_TEST_EMULATOR");
    pid_t pid;
    int status = 0, i, rc, n = 0;
    snprintf(arg, sizeof arg, "%d", (int)h);
    if (emu != NULL && emu[0] != '\0') {
        char *word;
        ASSERT_LT(strlen(emu), sizeof emulator);
        strcpy(emulator, emu);
        for (word = strtok(emulator, " "); word != NULL && n < 9; word = strtok(NULL, " "))
            argv[n++] = word;
    }
    argv[n++] = (char *)PS_INHERIT_CHILD;
    argv[n++] = arg;
    argv[n] = NULL;
    rc = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
    if (rc != 0)
        FAILF("posix_spawnp(%s) failed: %d", argv[0], rc);
    for (i = 0; i < 2000; i++) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            break;
        ASSERT_TRUE(r == 0 || (r < 0 && errno == EINTR));
        test_sleep_ms(10);
    }
    if (i == 2000) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        FAILF("inherit_child did not end within 20 s");
    }
    if (!WIFEXITED(status))
        FAILF("inherit_child ended abnormally (status 0x%x)", (unsigned)status);
    return WEXITSTATUS(status);
#endif
}

/* Whether the byte of inherit_child arrived at peer (within 2 s). */
static int child_byte_arrived(ps_socket *peer)
{
    char b = 0;
    ptrdiff_t r;
    ASSERT_OK(ps_settimeout(peer, 2.0));
    r = ps_recv(peer, &b, 1, 0);
    if (r == PS_ETIMEDOUT)
        return 0;
    ASSERT_EQ(r, 1);
    ASSERT_EQ(b, 'i');
    return 1;
}

/* The parent's socket works whatever the child did. */
static void expect_parent_still_works(ps_socket *c, ps_socket *s)
{
    char b = 0;
    ASSERT_EQ(ps_send(c, "p", 1, 0), 1);
    ASSERT_OK(ps_settimeout(s, 5.0));
    test_recv_exact(s, &b, 1);
    ASSERT_EQ(b, 'p');
}

TEST(sockets_are_created_accepted_duplicated_and_paired_non_inheritable)
{
    ps_addr la;
    ps_socket *l = test_listener(PS_AF_INET, &la), *c, *s, *d, *u, *pair[2], *srv, *cc;
    char port[16];
    ASSERT_OK(ps_socket_open(&c, PS_AF_INET, PS_SOCK_STREAM, 0));
    expect_not_inheritable(c, "ps_socket_open stream");
    ASSERT_OK(ps_socket_open(&u, PS_AF_INET, PS_SOCK_DGRAM, 0));
    expect_not_inheritable(u, "ps_socket_open datagram");
    expect_not_inheritable(l, "listener");
    ASSERT_OK(ps_connect(c, &la));
    ASSERT_OK(ps_accept(l, &s, NULL));
    expect_not_inheritable(s, "ps_accept");
    ASSERT_OK(ps_dup(s, &d));
    expect_not_inheritable(d, "ps_dup");
    ASSERT_OK(ps_socketpair(pair, PS_AF_UNSPEC, PS_SOCK_STREAM));
    expect_not_inheritable(pair[0], "ps_socketpair [0]");
    expect_not_inheritable(pair[1], "ps_socketpair [1]");
    ASSERT_OK(ps_close(pair[0]));
    ASSERT_OK(ps_close(pair[1]));
    ASSERT_OK(ps_socketpair(pair, PS_AF_INET, PS_SOCK_STREAM));
    expect_not_inheritable(pair[0], "ps_socketpair INET [0]");
    expect_not_inheritable(pair[1], "ps_socketpair INET [1]");
    ASSERT_OK(ps_close(pair[0]));
    ASSERT_OK(ps_close(pair[1]));
    ASSERT_OK(ps_socketpair(pair, PS_AF_INET, PS_SOCK_DGRAM));
    expect_not_inheritable(pair[0], "ps_socketpair INET datagram");
    ASSERT_OK(ps_close(pair[0]));
    ASSERT_OK(ps_close(pair[1]));
    {
        ps_addr any = test_addr("127.0.0.1:0");
        ASSERT_OK(ps_create_server(&srv, &any, PS_BACKLOG_DEFAULT, 0));
        expect_not_inheritable(srv, "ps_create_server");
        ASSERT_OK(ps_getsockname(srv, &any));
        snprintf(port, sizeof port, "%d", ps_addr_port(&any));
    }
    ASSERT_OK(ps_create_connection(&cc, "127.0.0.1", port, 5.0, NULL));
    expect_not_inheritable(cc, "ps_create_connection");
    ASSERT_OK(ps_close(cc));
    ASSERT_OK(ps_close(srv));
    /* accepting from an inheritable listener still gives a non-inheritable socket */
    ASSERT_OK(ps_set_inheritable(l, 1));
    ASSERT_OK(ps_close(s));
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_socket_open(&c, PS_AF_INET, PS_SOCK_STREAM, 0));
    ASSERT_OK(ps_connect(c, &la));
    ASSERT_OK(ps_accept(l, &s, NULL));
    expect_not_inheritable(s, "ps_accept from an inheritable listener");
    ASSERT_OK(ps_close(d));
    ASSERT_OK(ps_close(s));
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(u));
    ASSERT_OK(ps_close(l));
}

TEST(set_inheritable_reads_back_and_sets_the_native_flag)
{
    ps_socket *s;
    ASSERT_OK(ps_socket_open(&s, PS_AF_INET, PS_SOCK_STREAM, 0));
    ASSERT_OK(ps_set_inheritable(s, 1));
    ASSERT_EQ(ps_get_inheritable(s), 1);
    ASSERT_EQ(native_inheritable(s), 1);
    ASSERT_OK(ps_set_inheritable(s, 0));
    ASSERT_EQ(ps_get_inheritable(s), 0);
    ASSERT_EQ(native_inheritable(s), 0);
    ASSERT_OK(ps_set_inheritable(s, 5)); /* any non-zero */
    ASSERT_EQ(ps_get_inheritable(s), 1);
    ASSERT_EQ(native_inheritable(s), 1);
    ASSERT_OK(ps_set_inheritable(s, 1)); /* twice is fine */
    ASSERT_EQ(ps_get_inheritable(s), 1);
    ASSERT_OK(ps_set_inheritable(s, 0));
    ASSERT_EQ(ps_get_inheritable(s), 0);
    ASSERT_OK(ps_close(s));
}

TEST(a_child_process_does_not_get_a_socket_before_set_inheritable)
{
    ps_socket *c, *s;
    int code;
    test_tcp_pair(PS_AF_INET, &c, &s);
    code = run_child(ps_fileno(c));
    NOTE("child with a non-inheritable socket: exit %d", code);
    ASSERT_EQ(code, CHILD_NOT_THERE);
    ASSERT_FALSE(child_byte_arrived(s));
    expect_parent_still_works(c, s);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

TEST(a_child_process_gets_the_socket_after_set_inheritable_1)
{
    ps_socket *c, *s;
    int code;
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_set_inheritable(c, 1));
    code = run_child(ps_fileno(c));
    NOTE("child with an inheritable socket: exit %d", code);
    if (test_under_wine()) {
        /* Wine: the handle is there, Winsock in the child does not know it */
        ASSERT_EQ(code, CHILD_THERE_BUT_NO_SOCKET);
        ASSERT_FALSE(child_byte_arrived(s));
    } else {
        /* POSIX and Windows: the child uses the socket */
        ASSERT_EQ(code, CHILD_SENT);
        ASSERT_TRUE(child_byte_arrived(s));
    }
    /* the child's exit closed only its copy */
    expect_parent_still_works(c, s);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

TEST(set_inheritable_0_keeps_the_socket_from_the_next_child)
{
    ps_socket *c, *s;
    int code;
    test_tcp_pair(PS_AF_INET, &c, &s);
    ASSERT_OK(ps_set_inheritable(c, 1));
    ASSERT_OK(ps_set_inheritable(c, 0));
    code = run_child(ps_fileno(c));
    ASSERT_EQ(code, CHILD_NOT_THERE);
    ASSERT_FALSE(child_byte_arrived(s));
    expect_parent_still_works(c, s);
    ASSERT_OK(ps_close(c));
    ASSERT_OK(ps_close(s));
}

TEST_LIST = {
    TEST_ENTRY(sockets_are_created_accepted_duplicated_and_paired_non_inheritable),
    TEST_ENTRY(set_inheritable_reads_back_and_sets_the_native_flag),
    TEST_ENTRY(a_child_process_does_not_get_a_socket_before_set_inheritable),
    TEST_ENTRY(a_child_process_gets_the_socket_after_set_inheritable_1),
    TEST_ENTRY(set_inheritable_0_keeps_the_socket_from_the_next_child),
};
TEST_MAIN()
