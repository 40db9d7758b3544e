// libFuzzer target for the rule text syntax: any input must parse or fail with a
// position, never crash or hang; whatever parses must print to text that parses to
// the same tree, and the type checker must not crash on it either.
//
//   CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DPROMODESK_FUZZ=ON
//   cmake --build build/fuzz --target fuzz_rules
//   build/fuzz/tests/fuzz/fuzz_rules -max_total_time=60 -max_len=512 tests/fuzz/corpus
//
// CTest always runs the bounded random-input test in tests/rules/tst_rulesyntax.cpp.

#include "rules/json.h"
#include "rules/syntax.h"
#include "rules/typecheck.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace PromoDesk::Rules;
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    auto parsed = parse(text);
    if (!parsed) {
        if (parsed.error().line < 1 || parsed.error().column < 1 || parsed.error().message.isEmpty())
            std::abort();
        return 0;
    }
    auto again = parse(print(parsed.value()));
    if (!again || !(again.value() == parsed.value()))
        std::abort();
    auto checked = check(parsed.value());
    if (checked) {
        // A checked rule survives the stored form too.
        auto stored = fromJson(toJson(checked.value()));
        if (!stored || !(stored.value() == checked.value()))
            std::abort();
    }
    return 0;
}
