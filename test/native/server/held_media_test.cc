// HeldMedia and HoldList: what the players of one loop hold between two
// gathered writes. The point of the structure is the reference count of the
// shared chunk bytes: one reference per message per loop, however many
// players hold it, and the same bytes in the same order as one copy each.
#include "server/held_media.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "net/alloc_counter.h"

namespace rtmp::server {
namespace {

std::string text(std::span<const base::Bytes> buffers) {
  std::string out;
  for (const base::Bytes& b : buffers) {
    out.append(reinterpret_cast<const char*>(b.data()), b.size());
  }
  return out;
}

TEST(HeldMediaTest, AThousandPlayersHoldingAMessageAddOneReference) {
  HoldList list;
  const base::Bytes message = base::Bytes::copyOf(std::string_view("message"));
  std::vector<std::unique_ptr<HeldMedia>> players;
  for (int i = 0; i < 1000; ++i) players.push_back(std::make_unique<HeldMedia>(list));

  for (auto& p : players) p->add(message);
  EXPECT_EQ(message.useCount(), 2u) << "the message and the loop's one reference";
  EXPECT_EQ(list.size(), 1u);
  EXPECT_EQ(list.holders(), 1000u);

  for (auto& p : players) {
    EXPECT_EQ(text(p->view()), "message");
    EXPECT_EQ(message.useCount(), 2u) << "a one-run view is a span of the list: no copy";
    p->clear();
  }
  EXPECT_EQ(list.holders(), 0u);
  EXPECT_EQ(list.size(), 0u) << "emptied when the last holder let go";
  EXPECT_EQ(message.useCount(), 1u);
}

TEST(HeldMediaTest, ConsecutiveMessagesGrowOneRun) {
  HoldList list;
  HeldMedia a(list);
  HeldMedia b(list);
  const base::Bytes m1 = base::Bytes::copyOf(std::string_view("one,"));
  const base::Bytes m2 = base::Bytes::copyOf(std::string_view("two,"));
  const base::Bytes m3 = base::Bytes::copyOf(std::string_view("three"));
  for (const base::Bytes* m : {&m1, &m2, &m3}) {
    a.add(*m);
    b.add(*m);
  }
  EXPECT_EQ(list.size(), 3u);
  EXPECT_EQ(a.buffers(), 3u);
  EXPECT_EQ(a.bytes(), 13u);
  const auto view = a.view();
  EXPECT_EQ(view.size(), 3u);
  EXPECT_EQ(view.data(), b.view().data()) << "both views are the same span of the list";
  EXPECT_EQ(text(view), "one,two,three");
  EXPECT_EQ(list.scratch().size(), 0u) << "no gathering for one run";
}

TEST(HeldMediaTest, APlayersOwnStartAndInterleavedStreamsKeepTheirOrder) {
  HoldList list;
  HeldMedia joined(list);  // restarts with its own type-0 head and tail
  HeldMedia chained(list);
  HeldMedia other(list);  // a player of a second stream on the same loop
  const base::Bytes m1 = base::Bytes::copyOf(std::string_view("[m1]"));
  const base::Bytes m2 = base::Bytes::copyOf(std::string_view("[m2]"));
  const base::Bytes x1 = base::Bytes::copyOf(std::string_view("[x1]"));
  const base::Bytes head = base::Bytes::copyOf(std::string_view("<head>"));
  const base::Bytes tail = base::Bytes::copyOf(std::string_view("<tail>"));

  chained.add(m1);
  other.add(x1);
  joined.add(head);
  joined.add(tail);
  chained.add(m2);  // the last entry is joined's tail: m2 is appended
  joined.add(m2);   // now the last entry: shared
  other.add(x1);    // not the last entry any more: a second entry, written twice

  EXPECT_EQ(text(chained.view()), "[m1][m2]");
  chained.clear();
  EXPECT_EQ(text(joined.view()), "<head><tail>[m2]");
  joined.clear();
  EXPECT_EQ(text(other.view()), "[x1][x1]");
  EXPECT_EQ(x1.useCount(), 5u) << "itself, two list entries, two in the gathered view";
  other.clear();
  EXPECT_EQ(list.scratch().size(), 0u) << "the gathered view is released with the holdings";
  EXPECT_EQ(list.size(), 0u);
  EXPECT_EQ(x1.useCount(), 1u);
  EXPECT_EQ(m2.useCount(), 1u);
}

TEST(HeldMediaTest, EmptyBytesAreNotHeldAndClearIsIdempotent) {
  HoldList list;
  HeldMedia p(list);
  p.add(base::Bytes());
  EXPECT_TRUE(p.empty());
  EXPECT_EQ(list.holders(), 0u);
  EXPECT_TRUE(p.view().empty());
  p.clear();
  EXPECT_EQ(list.holders(), 0u);

  const base::Bytes m = base::Bytes::copyOf(std::string_view("m"));
  {
    HeldMedia gone(list);
    gone.add(m);
    EXPECT_EQ(list.holders(), 1u);
  }  // destroyed while holding (a connection that closed)
  EXPECT_EQ(list.holders(), 0u);
  EXPECT_EQ(m.useCount(), 1u);
}

TEST(HeldMediaTest, TheSameBytesTwiceInARowAreWrittenTwice) {
  HoldList list;
  HeldMedia p(list);
  const base::Bytes m = base::Bytes::copyOf(std::string_view("m"));
  for (int i = 0; i < 10; ++i) {
    p.add(m.slice(0));  // a slice: the same memory, so the same entry
  }
  EXPECT_EQ(list.size(), 1u);
  EXPECT_EQ(p.buffers(), 10u);
  EXPECT_EQ(text(p.view()), "mmmmmmmmmm");
  p.clear();
}

// The steady state of a merge window: 1000 players, a few messages each, one
// view and one clear per player. Once the list has grown, a round allocates
// nothing (the old per-player vector of Bytes did not either, but took two
// atomic operations per player per message).
TEST(HeldMediaTest, ASteadyRoundAllocatesNothing) {
  HoldList list;
  std::vector<std::unique_ptr<HeldMedia>> players;
  for (int i = 0; i < 1000; ++i) players.push_back(std::make_unique<HeldMedia>(list));
  std::vector<base::Bytes> messages;
  for (int i = 0; i < 3; ++i) messages.push_back(base::Bytes::copyOf(std::string_view("frame")));
  size_t written = 0;
  auto round = [&] {
    for (const base::Bytes& m : messages) {
      for (auto& p : players) p->add(m);
    }
    for (auto& p : players) {
      written += p->view().size();
      p->clear();
    }
  };
  round();  // grows the list once
  EXPECT_EQ(rtmp::testing::allocationsDuring(round), 0u);
  EXPECT_EQ(written, 2u * 3u * 1000u);
  for (const base::Bytes& m : messages) EXPECT_EQ(m.useCount(), 1u);
}

}  // namespace
}  // namespace rtmp::server
