/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <utility>

#include <glib-object.h>

namespace comedia {

/* Objects shared by name across the process, the way gst-plugins-rs rtpbin2
 * shares its sessions: a table of weak references, looked up (or filled) when
 * an element goes NULL->READY, and the entry removed when the last user lets
 * go of the object.  The table never keeps an object alive.
 *
 * Two kinds of reference, one table: SharedByName<Key, T> for C++ objects
 * held by std::shared_ptr, SharedByName<Key, T, GObjectRef> for GObjects held
 * by their own reference count.  Each table is meant to be a function-local
 * static that is never destroyed (see leaked()), so that no object outlives
 * the table it must remove itself from, even at process exit. */

/* How a std::shared_ptr table holds and upgrades its entries. */
template <typename T>
struct SharedPtrRef {
  using Strong = std::shared_ptr<T>;
  using Weak = std::weak_ptr<T>;
  static Strong upgrade (const Weak & weak) { return weak.lock (); }
  static Weak downgrade (const Strong & strong) { return strong; }
  static bool expired (const Weak & weak) { return weak.expired (); }
};

/* How a GObject table holds and upgrades its entries: a GWeakRef each
 * (boxed, since a GWeakRef must not move once initialized). */
template <typename T>
struct GObjectRef {
  struct WeakBox {
    GWeakRef ref;
    explicit WeakBox (T * object) { g_weak_ref_init (&ref, object); }
    ~WeakBox () { g_weak_ref_clear (&ref); }
    WeakBox (const WeakBox &) = delete;
    WeakBox & operator= (const WeakBox &) = delete;
  };
  using Strong = T *;                     /* a full reference, for the caller */
  using Weak = std::unique_ptr<WeakBox>;
  static Strong upgrade (const Weak & weak)
  {
    return static_cast<T *> (g_weak_ref_get (&weak->ref));
  }
  static Weak downgrade (const Strong & strong)
  {
    return std::make_unique<WeakBox> (strong);
  }
  static bool expired (const Weak & weak)
  {
    gpointer o = g_weak_ref_get (&weak->ref);
    if (o)
      g_object_unref (o);
    return o == nullptr;
  }
};

template <typename Key, typename T, template <typename> class Ref = SharedPtrRef>
class SharedByName {
public:
  using Strong = typename Ref<T>::Strong;

  /* The live object of @key, or a new one from make() (which returns a
   * Strong, empty on failure; it runs under the table's lock, so that two
   * users asking at once get the same object).  An empty Strong when make()
   * failed. */
  template <typename Make>
  Strong acquire (const Key & key, Make && make)
  {
    std::lock_guard<std::mutex> guard (lock_);
    auto it = entries_.find (key);
    if (it != entries_.end ()) {
      if (Strong existing = Ref<T>::upgrade (it->second))
        return existing;
      entries_.erase (it);
    }
    Strong made = make ();
    if (made)
      entries_.emplace (key, Ref<T>::downgrade (made));
    return made;
  }

  /* The object of @key is going away (its last reference was dropped):
   * removes the entry unless a new object has taken the name since. */
  void forget (const Key & key)
  {
    std::lock_guard<std::mutex> guard (lock_);
    auto it = entries_.find (key);
    if (it != entries_.end () && Ref<T>::expired (it->second))
      entries_.erase (it);
  }

  /* A table that is never destroyed, for a function-local static:
   *   static auto &table = SharedByName<...>::leaked ();  */
  static SharedByName & leaked () { return *new SharedByName (); }

  size_t size () const
  {
    std::lock_guard<std::mutex> guard (lock_);
    return entries_.size ();
  }

private:
  SharedByName () = default;
  mutable std::mutex lock_;
  std::map<Key, typename Ref<T>::Weak> entries_;
};

}  // namespace comedia
