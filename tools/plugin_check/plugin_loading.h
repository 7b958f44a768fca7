#pragma once

#include "tools/plugin_check/check_session.h"

namespace persona {
namespace plugin_check {

// "abi": loads the plugin the server's way (a private content-addressed copy, opened with
// rtld_now | rtld_local, then the ABI handshake) into session.library. False if it failed.
bool CheckAbi(CheckSession& session);

// "exports": persona_segmenter_plugin must be the only exported dynamic symbol.
void CheckExports(CheckSession& session);

// Removes the private copy of the plugin the checker loaded, and its directory. For exits
// that skip destructors (a crash, a timeout); async-signal-safe (unlink, rmdir).
void RemovePrivateCopies();

}  // namespace plugin_check
}  // namespace persona
