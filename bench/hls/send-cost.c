/*
 * Sender CPU of one HTTP body over loopback TCP, by the system call that sends it: write()
 * of one buffer, writev() of the body in 20 pieces (an fMP4 segment as its parts), or
 * sendfile() from a memfd (what serving from the page cache would cost). A forked child reads
 * everything; the figure is the parent's own user + system CPU per body.
 *
 *   cc -O2 -o build/send-cost bench/hls/send-cost.c
 *   build/send-cost write 640000 3000; build/send-cost writev 640000 3000; build/send-cost sendfile 640000 3000
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

enum { PIECES = 20 };

static double cpuSeconds(void) {
  struct rusage r;
  getrusage(RUSAGE_SELF, &r);
  return (double)r.ru_utime.tv_sec + r.ru_utime.tv_usec / 1e6 + (double)r.ru_stime.tv_sec + r.ru_stime.tv_usec / 1e6;
}

static void waitWritable(int fd) {
  struct pollfd p = {fd, POLLOUT, 0};
  poll(&p, 1, 5000);
}

/* Sends bytes [from, len) of the body once; returns the bytes sent, or -1. */
static ssize_t sendSome(const char* mode, int sock, char* body, size_t len, size_t from, int memfd) {
  if (strcmp(mode, "sendfile") == 0) {
    off_t offset = (off_t)from;
    return sendfile(sock, memfd, &offset, len - from);
  }
  if (strcmp(mode, "writev") == 0) {
    struct iovec iov[PIECES];
    const size_t piece = len / PIECES;
    int count = 0;
    for (size_t at = from; at < len && count < PIECES; count++) {
      const size_t end = (at / piece + 1) * piece;
      iov[count].iov_base = body + at;
      iov[count].iov_len = (end < len ? end : len) - at;
      at += iov[count].iov_len;
    }
    return writev(sock, iov, count);
  }
  return write(sock, body + from, len - from);
}

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: send-cost write|writev|sendfile BYTES COUNT\n");
    return 2;
  }
  const char* mode = argv[1];
  const size_t len = (size_t)atol(argv[2]);
  const int count = atoi(argv[3]);
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t addrLen = sizeof addr;
  if (bind(listener, (struct sockaddr*)&addr, sizeof addr) != 0 || listen(listener, 1) != 0 ||
      getsockname(listener, (struct sockaddr*)&addr, &addrLen) != 0) {
    perror("listen");
    return 1;
  }
  pid_t reader = fork();
  if (reader == 0) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(s, (struct sockaddr*)&addr, sizeof addr) != 0) _exit(1);
    char* sink = malloc(1 << 20);
    while (read(s, sink, 1 << 20) > 0) {
    }
    _exit(0);
  }
  int sock = accept(listener, NULL, NULL);
  fcntl(sock, F_SETFL, O_NONBLOCK);
  char* body = malloc(len);
  memset(body, 7, len);
  int memfd = memfd_create("body", 0);
  if (memfd < 0 || write(memfd, body, len) != (ssize_t)len) {
    perror("memfd");
    return 1;
  }
  long calls = 0;
  const double before = cpuSeconds();
  for (int i = 0; i < count; i++) {
    for (size_t sent = 0; sent < len;) {
      const ssize_t n = sendSome(mode, sock, body, len, sent, memfd);
      calls++;
      if (n > 0) sent += (size_t)n;
      else waitWritable(sock);
    }
  }
  const double cpu = cpuSeconds() - before;
  close(sock);
  waitpid(reader, NULL, 0);
  printf("%s %zu B x %d: %.1f us of sender CPU per body, %.1f calls per body\n", mode, len, count, cpu / count * 1e6,
         (double)calls / count);
  return 0;
}
