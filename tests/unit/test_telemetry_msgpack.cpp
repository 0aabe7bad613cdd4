#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "telemetry/msgpack_reader.hpp"
#include "telemetry/msgpack_writer.hpp"

namespace srelab::telemetry {
namespace {

std::string bytes(std::initializer_list<int> list) {
  std::string out;
  for (int b : list) out.push_back(static_cast<char>(b));
  return out;
}

MsgpackValue decode_ok(const std::string& wire) {
  auto r = msgpack_decode(wire);
  EXPECT_TRUE(r.has_value());
  return r.has_value() ? *r : MsgpackValue{};
}

TEST(MsgpackWriter, NumbersUseTheNamedFormatWithExactBytes) {
  MsgpackWriter w;
  w.uint64(1);
  w.int64(-2);
  w.int32(1);
  w.float64(1.5);
  w.boolean(true);
  w.boolean(false);
  w.nil();
  EXPECT_EQ(w.bytes(), bytes({0xcf, 0,    0,    0,    0,    0,    0,    0,    1,     //
                              0xd3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,  //
                              0xd2, 0,    0,    0,    1,                             //
                              0xcb, 0x3f, 0xf8, 0,    0,    0,    0,    0,    0,     //
                              0xc3, 0xc2, 0xc0}));
}

TEST(MsgpackWriter, ALiteralIsWrittenAsTheSameStringWouldBe) {
  MsgpackWriter by_literal;
  by_literal.literal("trace_id");
  by_literal.literal("");
  MsgpackWriter by_string;
  by_string.string("trace_id");
  by_string.string("");
  EXPECT_EQ(by_literal.bytes(), by_string.bytes());
  EXPECT_EQ(by_literal.bytes().size(), 10u);
}

TEST(MsgpackWriter, AppendsToATargetAndLeavesExactlyWhatWasWritten) {
  std::string target = "head";
  {
    MsgpackWriter w(target);
    for (int i = 0; i < 200; ++i) w.uint64(static_cast<std::uint64_t>(i));  // grows several times
  }
  ASSERT_EQ(target.size(), 4u + 200u * 9u);
  EXPECT_EQ(target.substr(0, 4), "head");
  EXPECT_EQ(static_cast<unsigned char>(target[4]), 0xcfu);
  EXPECT_EQ(static_cast<unsigned char>(target.back()), 199u);
}

TEST(MsgpackRoundTrip, Numbers) {
  for (std::uint64_t v : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{0x7f},
                          std::uint64_t{0x80}, std::numeric_limits<std::uint64_t>::max()}) {
    MsgpackWriter w;
    w.uint64(v);
    const auto d = decode_ok(w.bytes());
    EXPECT_EQ(d.wire, MsgpackWire::uint64);
    EXPECT_EQ(std::get<std::uint64_t>(d.data), v);
  }
  for (std::int64_t v :
       {std::int64_t{0}, std::int64_t{-1}, std::numeric_limits<std::int64_t>::min(),
        std::numeric_limits<std::int64_t>::max()}) {
    MsgpackWriter w;
    w.int64(v);
    const auto d = decode_ok(w.bytes());
    EXPECT_EQ(d.wire, MsgpackWire::int64);
    EXPECT_EQ(std::get<std::int64_t>(d.data), v);
  }
  for (std::int32_t v : {0, -1, 1, std::numeric_limits<std::int32_t>::min(),
                         std::numeric_limits<std::int32_t>::max()}) {
    MsgpackWriter w;
    w.int32(v);
    const auto d = decode_ok(w.bytes());
    EXPECT_EQ(d.wire, MsgpackWire::int32);
    EXPECT_EQ(std::get<std::int64_t>(d.data), v);
  }
  for (double v : {0.0, -0.5, 1e300, std::numeric_limits<double>::infinity()}) {
    MsgpackWriter w;
    w.float64(v);
    const auto d = decode_ok(w.bytes());
    EXPECT_EQ(d.wire, MsgpackWire::float64);
    EXPECT_EQ(std::get<double>(d.data), v);
  }
  MsgpackWriter w;
  w.float64(std::nan(""));
  EXPECT_TRUE(std::isnan(std::get<double>(decode_ok(w.bytes()).data)));
}

TEST(MsgpackRoundTrip, StringHeaderBoundaries) {
  struct Case {
    std::size_t size;
    MsgpackWire wire;
    std::size_t header;
  };
  for (const Case& c : {Case{0, MsgpackWire::fixstr, 1}, Case{31, MsgpackWire::fixstr, 1},
                        Case{32, MsgpackWire::str8, 2}, Case{255, MsgpackWire::str8, 2},
                        Case{256, MsgpackWire::str16, 3}, Case{65535, MsgpackWire::str16, 3},
                        Case{65536, MsgpackWire::str32, 5}}) {
    std::string s(c.size, 'x');
    if (!s.empty()) s.back() = 'y';
    MsgpackWriter w;
    w.string(s);
    EXPECT_EQ(w.bytes().size(), c.header + c.size) << c.size;
    const auto d = decode_ok(w.bytes());
    EXPECT_EQ(d.wire, c.wire) << c.size << " got " << to_string(d.wire);
    EXPECT_EQ(d.str(), s);
  }
}

TEST(MsgpackRoundTrip, ArrayAndMapHeaderBoundaries) {
  struct Case {
    std::uint32_t count;
    MsgpackWire array_wire;
    MsgpackWire map_wire;
  };
  for (const Case& c : {Case{0, MsgpackWire::fixarray, MsgpackWire::fixmap},
                        Case{15, MsgpackWire::fixarray, MsgpackWire::fixmap},
                        Case{16, MsgpackWire::array16, MsgpackWire::map16},
                        Case{65535, MsgpackWire::array16, MsgpackWire::map16},
                        Case{65536, MsgpackWire::array32, MsgpackWire::map32}}) {
    MsgpackWriter a;
    a.array_header(c.count);
    for (std::uint32_t i = 0; i < c.count; ++i) a.uint64(i);
    const auto da = decode_ok(a.bytes());
    EXPECT_EQ(da.wire, c.array_wire) << c.count;
    ASSERT_EQ(da.array().size(), c.count);
    if (c.count > 0) {
      EXPECT_EQ(std::get<std::uint64_t>(da.array().back().data), c.count - 1);
    }

    MsgpackWriter m;
    m.map_header(c.count);
    for (std::uint32_t i = 0; i < c.count; ++i) {
      m.string("k" + std::to_string(i));
      m.int32(static_cast<std::int32_t>(i));
    }
    const auto dm = decode_ok(m.bytes());
    EXPECT_EQ(dm.wire, c.map_wire) << c.count;
    ASSERT_EQ(dm.map().size(), c.count);
    if (c.count > 0) {
      const auto* last = dm.find("k" + std::to_string(c.count - 1));
      ASSERT_NE(last, nullptr);
      EXPECT_EQ(std::get<std::int64_t>(last->data), c.count - 1);
    }
  }
}

TEST(MsgpackRoundTrip, NestedKeepsOrder) {
  MsgpackWriter w;
  w.map_header(2);
  w.string("z");
  w.array_header(2);
  w.string("a");
  w.nil();
  w.string("a");
  w.boolean(true);
  const auto d = decode_ok(w.bytes());
  ASSERT_TRUE(d.is_map());
  ASSERT_EQ(d.map().size(), 2u);
  EXPECT_EQ(d.map()[0].key.str(), "z");  // wire order, not sorted
  EXPECT_EQ(d.map()[1].key.str(), "a");
  EXPECT_EQ(d.find("z")->array()[1].wire, MsgpackWire::nil);
  EXPECT_EQ(std::get<bool>(d.find("a")->data), true);
  EXPECT_EQ(d.find("missing"), nullptr);
}

TEST(MsgpackReader, DecodesFormatsTheWriterNeverUses) {
  EXPECT_EQ(decode_ok(bytes({0x05})).wire, MsgpackWire::positive_fixint);
  EXPECT_EQ(std::get<std::uint64_t>(decode_ok(bytes({0x7f})).data), 127u);
  const auto neg = decode_ok(bytes({0xff}));
  EXPECT_EQ(neg.wire, MsgpackWire::negative_fixint);
  EXPECT_EQ(std::get<std::int64_t>(neg.data), -1);
  EXPECT_EQ(std::get<std::int64_t>(decode_ok(bytes({0xe0})).data), -32);
  const auto u16 = decode_ok(bytes({0xcd, 0x01, 0x00}));
  EXPECT_EQ(u16.wire, MsgpackWire::uint16);
  EXPECT_EQ(std::get<std::uint64_t>(u16.data), 256u);
  const auto i8 = decode_ok(bytes({0xd0, 0x80}));
  EXPECT_EQ(i8.wire, MsgpackWire::int8);
  EXPECT_EQ(std::get<std::int64_t>(i8.data), -128);
  const auto i16 = decode_ok(bytes({0xd1, 0xff, 0xfe}));
  EXPECT_EQ(std::get<std::int64_t>(i16.data), -2);
  const auto f32 = decode_ok(bytes({0xca, 0x3f, 0xc0, 0, 0}));
  EXPECT_EQ(f32.wire, MsgpackWire::float32);
  EXPECT_EQ(std::get<double>(f32.data), 1.5);
  const auto bin = decode_ok(bytes({0xc4, 2, 'h', 'i'}));
  EXPECT_EQ(bin.wire, MsgpackWire::bin8);
  EXPECT_EQ(bin.str(), "hi");
}

TEST(MsgpackReader, RejectsMalformedInput) {
  const std::vector<std::string> cases{
      "",
      bytes({0xcf, 0, 0, 0}),                 // truncated uint64
      bytes({0xa3, 'a', 'b'}),                // string shorter than its header
      bytes({0x92, 0x01}),                    // array missing an element
      bytes({0x81, 0xa1, 'k'}),               // map missing a value
      bytes({0xdd, 0xff, 0xff, 0xff, 0xff}),  // huge count, no bytes: no giant allocation
      bytes({0xdf, 0x7f, 0xff, 0xff, 0xff, 0x01}),
      bytes({0xc1}),              // never used
      bytes({0xd4, 0x01, 0x02}),  // fixext1: unsupported
      bytes({0x01, 0x02}),        // trailing bytes
  };
  for (const auto& c : cases) {
    auto r = msgpack_decode(c);
    EXPECT_FALSE(r.has_value()) << "input size " << c.size();
    if (!r.has_value()) {
      EXPECT_EQ(r.error(), errc::protocol_error);
    }
  }
  std::string deep(100, static_cast<char>(0x91));  // 100 nested one-element arrays
  deep.push_back(0x00);
  EXPECT_FALSE(msgpack_decode(deep).has_value());
  std::string shallow(60, static_cast<char>(0x91));
  shallow.push_back(0x00);
  EXPECT_TRUE(msgpack_decode(shallow).has_value());
}

}  // namespace
}  // namespace srelab::telemetry
