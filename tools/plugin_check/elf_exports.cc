#include "tools/plugin_check/elf_exports.h"

#include <elf.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>

#include "absl/strings/str_cat.h"

namespace persona {
namespace plugin_check {
namespace {

// Reads a T at `offset`, or fails when the file is too short (a truncated or hostile file
// must not make the checker read out of bounds).
template <typename T>
bool ReadAt(const std::string& bytes, size_t offset, T* out) {
  if (offset > bytes.size() || bytes.size() - offset < sizeof(T)) return false;
  std::memcpy(out, bytes.data() + offset, sizeof(T));
  return true;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ExportedSymbols(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());

  Elf64_Ehdr header;
  if (!ReadAt(bytes, 0, &header) || std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0) {
    return absl::InvalidArgumentError(absl::StrCat(path, " is not an ELF file"));
  }
  if (header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_ident[EI_DATA] != ELFDATA2LSB) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, " is not a 64-bit little-endian ELF file (this host cannot load it)"));
  }
  if (header.e_shentsize != sizeof(Elf64_Shdr)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": unexpected section header size"));
  }
  std::vector<std::string> exported;
  for (size_t i = 0; i < header.e_shnum; ++i) {
    Elf64_Shdr section;
    if (!ReadAt(bytes, header.e_shoff + i * sizeof(Elf64_Shdr), &section)) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": truncated section headers"));
    }
    if (section.sh_type != SHT_DYNSYM) continue;
    Elf64_Shdr strings;
    if (!ReadAt(bytes, header.e_shoff + section.sh_link * sizeof(Elf64_Shdr), &strings) ||
        section.sh_entsize != sizeof(Elf64_Sym)) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": malformed .dynsym"));
    }
    const size_t count = section.sh_size / sizeof(Elf64_Sym);
    for (size_t s = 1; s < count; ++s) {  // entry 0 is the reserved null symbol
      Elf64_Sym symbol;
      if (!ReadAt(bytes, section.sh_offset + s * sizeof(Elf64_Sym), &symbol)) {
        return absl::InvalidArgumentError(absl::StrCat(path, ": truncated .dynsym"));
      }
      const unsigned binding = ELF64_ST_BIND(symbol.st_info);
      const unsigned visibility = ELF64_ST_VISIBILITY(symbol.st_other);
      // Undefined: imported, not exported. Absolute: version-node names, not code or data.
      if (symbol.st_shndx == SHN_UNDEF || symbol.st_shndx == SHN_ABS) continue;
      if (binding != STB_GLOBAL && binding != STB_WEAK && binding != STB_GNU_UNIQUE) continue;
      if (visibility != STV_DEFAULT && visibility != STV_PROTECTED) continue;
      const size_t name_offset = strings.sh_offset + symbol.st_name;
      if (name_offset >= bytes.size() || symbol.st_name >= strings.sh_size) continue;
      const size_t max_length = std::min(bytes.size() - name_offset,
                                         static_cast<size_t>(strings.sh_size - symbol.st_name));
      exported.emplace_back(bytes.data() + name_offset,
                            strnlen(bytes.data() + name_offset, max_length));
    }
  }
  return exported;
}

}  // namespace plugin_check
}  // namespace persona
