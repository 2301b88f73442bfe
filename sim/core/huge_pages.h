#pragma once
// Large arrays on transparent huge pages. The network walk reads adopters scattered over hundreds of
// megabytes; with 4 KiB pages nearly every such read also misses the TLB, with 2 MiB pages few do.
// Linux backs a region with huge pages when asked (madvise) before its pages are first touched, even
// where the system's policy is "madvise" rather than "always"; elsewhere the request is a no-op.
#include <cstddef>
#include <vector>

namespace geosim {

/// Asks the kernel to back the whole 2 MiB pages inside [data, data + bytes) with huge pages.
void advise_huge_pages(void* data, std::size_t bytes);

/// Resizes an empty vector to n copies of value, on huge pages where the system allows.
template <class T>
void assign_on_huge_pages(std::vector<T>& v, std::size_t n, const T& value = T{}) {
  v.clear();
  v.reserve(n);  // allocated, not yet touched
  advise_huge_pages(v.data(), n * sizeof(T));
  v.assign(n, value);
}

}  // namespace geosim
