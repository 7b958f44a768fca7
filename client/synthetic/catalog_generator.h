#pragma once

#include <cstdint>
#include <string>

namespace persona {
namespace synthetic {

// A reproducible persona catalog of `personas` personas (the same seed gives the same
// bytes) for benchmarks and tests. It uses the three bundled segmenters with the default
// catalog's config; every persona has one criterion per segmenter. The first five are the
// default catalog's personas (hemat-fred, young-working-mother, loyal-champion,
// high-value-at-risk, urban-trendsetter); the rest are variations of them ("hemat-fred-00005",
// …) with shifted ranges, re-weighted fields and extra tags drawn from the shared
// vocabulary. The text is a persona.v1.PersonaCatalog in JSON that passes
// `persona-server --validate`.
std::string GenerateCatalogJson(int personas, uint64_t seed);

}  // namespace synthetic
}  // namespace persona
