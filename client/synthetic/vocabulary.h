#pragma once

#include <string_view>

namespace persona {
namespace synthetic {

// Tags shared by generated customers and generated catalogs, so the two overlap the way a
// real customer base and its personas do (the default catalog's tags are among them).
inline constexpr std::string_view kInterests[] = {"discounts",
                                                  "coupons",
                                                  "price-comparison",
                                                  "kids",
                                                  "home",
                                                  "convenience",
                                                  "new-arrivals",
                                                  "membership-rewards",
                                                  "premium",
                                                  "exclusive-offers",
                                                  "fashion",
                                                  "trending",
                                                  "social-media",
                                                  "football",
                                                  "travel",
                                                  "fitness",
                                                  "cooking",
                                                  "gaming",
                                                  "books",
                                                  "outdoor",
                                                  "tech",
                                                  "beauty",
                                                  "pets",
                                                  "music",
                                                  "sustainability",
                                                  "gardening",
                                                  "diy",
                                                  "wellness",
                                                  "photography",
                                                  "coffee"};

inline constexpr std::string_view kValues[] = {
    "frugality", "value-for-money", "family",       "convenience", "brand-loyalty", "quality",
    "premium",   "sustainability",  "health",       "adventure",   "tradition",     "innovation",
    "community", "status",          "independence", "safety"};

inline constexpr std::string_view kLifestyles[] = {"busy-parent",   "working-professional",
                                                   "urban",         "nightlife",
                                                   "festival-goer", "homebody",
                                                   "outdoor",       "student",
                                                   "retiree",       "traveler",
                                                   "fitness-fan",   "gamer"};

inline constexpr std::string_view kChannels[] = {"email",    "sms",    "app",      "instagram",
                                                 "tiktok",   "phone",  "whatsapp", "web",
                                                 "facebook", "youtube"};

inline constexpr std::string_view kShopChannels[] = {"web", "app", "store", "marketplace"};

inline constexpr std::string_view kOccupations[] = {"teacher",
                                                    "nurse",
                                                    "software engineer",
                                                    "warehouse supervisor",
                                                    "student",
                                                    "designer",
                                                    "sales manager",
                                                    "accountant",
                                                    "driver",
                                                    "chef",
                                                    "physician",
                                                    "retired",
                                                    "shop owner",
                                                    "consultant",
                                                    "farmer"};

struct Place {
  std::string_view country;
  std::string_view region;
  std::string_view city;
  std::string_view time_zone;
};
inline constexpr Place kPlaces[] = {{"ID", "West Java", "Bandung", "Asia/Jakarta"},
                                    {"ID", "Jakarta", "Jakarta", "Asia/Jakarta"},
                                    {"ID", "Bali", "Denpasar", "Asia/Makassar"},
                                    {"DE", "Berlin", "Berlin", "Europe/Berlin"},
                                    {"DE", "Bavaria", "Munich", "Europe/Berlin"},
                                    {"DE", "Hamburg", "Hamburg", "Europe/Berlin"},
                                    {"US", "California", "Oakland", "America/Los_Angeles"},
                                    {"US", "Texas", "Austin", "America/Chicago"},
                                    {"US", "Ohio", "Columbus", "America/New_York"},
                                    {"BR", "Sao Paulo", "Campinas", "America/Sao_Paulo"},
                                    {"IN", "Karnataka", "Bengaluru", "Asia/Kolkata"},
                                    {"GB", "England", "Leeds", "Europe/London"},
                                    {"FR", "Occitanie", "Toulouse", "Europe/Paris"},
                                    {"JP", "Osaka", "Osaka", "Asia/Tokyo"},
                                    {"NO", "Vestland", "Bergen", "Europe/Oslo"}};

// Where customers shop or socialise, and the channels they may agree to be contacted on.
inline constexpr std::string_view kPlatforms[] = {"instagram", "tiktok",   "shopee",
                                                  "web",       "facebook", "tokopedia"};
inline constexpr std::string_view kContactOptIns[] = {"email", "sms", "whatsapp", "push"};

// What an order's lines and a customer's events are about (persona-plugin-check's customers
// carry order lines and events; a CSV row cannot).
inline constexpr std::string_view kCategories[] = {"baby",   "electronics", "fashion", "groceries",
                                                   "beauty", "toys",        "home",    "sports"};
inline constexpr std::string_view kBrands[] = {"acme", "globex", "initech", "umbrella", "hooli"};
inline constexpr std::string_view kEventTypes[] = {"page_view",  "search",         "add_to_cart",
                                                   "email_open", "email_click",    "push_open",
                                                   "wishlist",   "support_ticket", "review"};
inline constexpr std::string_view kLifeEvents[] = {"moved",   "married",   "new_baby",
                                                   "new_job", "graduated", "retired"};
inline constexpr std::string_view kVoucherCodes[] = {"HARBOLNAS12", "PAYDAY25", "WELCOME10",
                                                     "RAMADAN", "freeship"};

inline constexpr std::string_view kRfmSegments[] = {
    "champions",      "loyal_customers", "potential_loyalist", "new_customers",
    "promising",      "need_attention",  "about_to_sleep",     "at_risk",
    "cant_lose_them", "hibernating"};

}  // namespace synthetic
}  // namespace persona
