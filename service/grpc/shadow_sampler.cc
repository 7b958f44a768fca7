#include "service/grpc/shadow_sampler.h"

#include <chrono>
#include <functional>
#include <thread>

namespace persona {

ShadowSampler& ShadowSampler::ForThisThread() {
  thread_local ShadowSampler sampler(
      std::hash<std::thread::id>()(std::this_thread::get_id()) ^
      static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
  return sampler;
}

}  // namespace persona
