// Heapsort for the core's few sorts: O(n log n) whatever the input (an object of a 1 MiB JSON
// document can hold 10^5 members), in a small part of std::sort's code, which the page wasm
// carries once per element type (about 1 KB each: BENCHMARKS.md, issue 14). Not stable: the
// callers' orders do not depend on ties.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace ssokit::detail {

template <class T, class Less>
void heap_sort(std::vector<T>& v, Less less) {
  auto sift_down = [&](std::size_t root, std::size_t end) {
    for (std::size_t child = 2 * root + 1; child < end; root = child, child = 2 * root + 1) {
      if (child + 1 < end && less(v[child], v[child + 1])) ++child;
      if (!less(v[root], v[child])) return;
      std::swap(v[root], v[child]);
    }
  };
  for (std::size_t i = v.size() / 2; i-- > 0;) sift_down(i, v.size());
  for (std::size_t end = v.size(); end-- > 1;) {
    std::swap(v[0], v[end]);
    sift_down(0, end);
  }
}

}  // namespace ssokit::detail
