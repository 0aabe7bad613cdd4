#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "telemetry/msgpack_bytes.hpp"
#include "telemetry/msgpack_reader.hpp"

namespace srelab::telemetry {
namespace {

using namespace msgpack_bytes;

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

// What put_* functions write into room counted beforehand with the *_size functions, as the
// payload encoder does; the count and the bytes written must agree exactly.
template <class Put>
std::string written(std::size_t size, Put put) {
  std::string out(size + 8, '\x5a');  // room past the count stays untouched
  const char* end = put(out.data());
  EXPECT_EQ(end, out.data() + size) << "counted " << size << " bytes";
  EXPECT_EQ(out.substr(size), std::string(8, '\x5a')) << "written past the counted room";
  out.resize(size);
  return out;
}

TEST(MsgpackBytes, NumbersUseTheNamedFormatWithExactBytes) {
  const std::string out = written(3 * kFixed64Size + kFixed32Size, [](char* at) {
    at = put_uint64(at, 1);
    at = put_int64(at, -2);
    at = put_int32(at, 1);
    return put_float64(at, 1.5);
  });
  EXPECT_EQ(out, bytes({0xcf, 0,    0,    0,    0,    0,    0,    0,    1,     //
                        0xd3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,  //
                        0xd2, 0,    0,    0,    1,                             //
                        0xcb, 0x3f, 0xf8, 0,    0,    0,    0,    0,    0}));
}

TEST(MsgpackBytes, ALiteralIsWrittenAsTheSameStringWouldBe) {
  const std::string by_literal = written(literal_size("trace_id") + literal_size(""), [](char* at) {
    return put_literal(put_literal(at, "trace_id"), "");
  });
  const std::string by_string = written(9 + 1, [](char* at) {  // fixstr headers
    return put_string(put_string(at, "trace_id"), "");
  });
  EXPECT_EQ(by_literal, by_string);
  EXPECT_EQ(by_literal.size(), 10u);
}

TEST(MsgpackRoundTrip, Numbers) {
  for (std::uint64_t v : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{0x7f},
                          std::uint64_t{0x80}, std::numeric_limits<std::uint64_t>::max()}) {
    const auto d = decode_ok(written(kFixed64Size, [v](char* at) { return put_uint64(at, v); }));
    EXPECT_EQ(d.wire, MsgpackWire::uint64);
    EXPECT_EQ(std::get<std::uint64_t>(d.data), v);
  }
  for (std::int64_t v :
       {std::int64_t{0}, std::int64_t{-1}, std::numeric_limits<std::int64_t>::min(),
        std::numeric_limits<std::int64_t>::max()}) {
    const auto d = decode_ok(written(kFixed64Size, [v](char* at) { return put_int64(at, v); }));
    EXPECT_EQ(d.wire, MsgpackWire::int64);
    EXPECT_EQ(std::get<std::int64_t>(d.data), v);
  }
  for (std::int32_t v : {0, -1, 1, std::numeric_limits<std::int32_t>::min(),
                         std::numeric_limits<std::int32_t>::max()}) {
    const auto d = decode_ok(written(kFixed32Size, [v](char* at) { return put_int32(at, v); }));
    EXPECT_EQ(d.wire, MsgpackWire::int32);
    EXPECT_EQ(std::get<std::int64_t>(d.data), v);
  }
  for (double v : {0.0, -0.5, 1e300, std::numeric_limits<double>::infinity(), std::nan("")}) {
    const auto d = decode_ok(written(kFixed64Size, [v](char* at) { return put_float64(at, v); }));
    EXPECT_EQ(d.wire, MsgpackWire::float64);
    const double decoded = std::get<double>(d.data);
    if (std::isnan(v)) {
      EXPECT_TRUE(std::isnan(decoded));
    } else {
      EXPECT_EQ(decoded, v);
    }
  }
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
    const std::string out =
        written(c.header + c.size, [&s](char* at) { return put_string(at, s); });
    const auto d = decode_ok(out);
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
    const std::string array =
        written(container_size(c.count) + c.count * kFixed64Size, [&c](char* at) {
          at = put_array_header(at, c.count);
          for (std::uint32_t i = 0; i < c.count; ++i) at = put_uint64(at, i);
          return at;
        });
    const auto da = decode_ok(array);
    EXPECT_EQ(da.wire, c.array_wire) << c.count;
    ASSERT_EQ(da.array().size(), c.count);
    if (c.count > 0) {
      EXPECT_EQ(std::get<std::uint64_t>(da.array().back().data), c.count - 1);
    }

    std::size_t map_size = container_size(c.count);
    for (std::uint32_t i = 0; i < c.count; ++i)
      map_size += 2 + std::to_string(i).size() + kFixed32Size;  // fixstr "k<i>"
    const std::string map = written(map_size, [&c](char* at) {
      at = put_map_header(at, c.count);
      for (std::uint32_t i = 0; i < c.count; ++i) {
        at = put_string(at, "k" + std::to_string(i));
        at = put_int32(at, static_cast<std::int32_t>(i));
      }
      return at;
    });
    const auto dm = decode_ok(map);
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
  // {"z": ["a", nil], "a": true}; nil and true as raw bytes (the encoder never writes them).
  const std::string out = written(10, [](char* at) {
    at = put_map_header(at, 2);
    at = put_string(at, "z");
    at = put_array_header(at, 2);
    at = put_string(at, "a");
    *at++ = static_cast<char>(0xc0);
    at = put_string(at, "a");
    *at++ = static_cast<char>(0xc3);
    return at;
  });
  const auto d = decode_ok(out);
  ASSERT_TRUE(d.is_map());
  ASSERT_EQ(d.map().size(), 2u);
  EXPECT_EQ(d.map()[0].key.str(), "z");  // wire order, not sorted
  EXPECT_EQ(d.map()[1].key.str(), "a");
  EXPECT_EQ(d.find("z")->array()[1].wire, MsgpackWire::nil);
  EXPECT_EQ(std::get<bool>(d.find("a")->data), true);
  EXPECT_EQ(d.find("missing"), nullptr);
}

TEST(MsgpackReader, DecodesFormatsTheEncoderNeverUses) {
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
