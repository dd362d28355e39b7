/* SPDX-License-Identifier: MIT */
/*
 * Synchronisation in single-threaded user space: atomics, locks, RCU and the
 * scheduler's checks are plain code or no-ops, as no other CPU runs.
 */
/* The whole shim, in kshim.h's order, whichever header is included first. */
#include <kshim.h>

#ifndef KSHIM_SYNC_H
#define KSHIM_SYNC_H

/* Single-threaded user space: atomics that no SMMU observes are plain. */
#define ATOMIC_INIT(i) { (i) }
#define atomic_read(v) READ_ONCE((v)->counter)
#define atomic_set(v, i) ((v)->counter = (i))
#define atomic_inc(v) ((void)((v)->counter++))
#define atomic_dec(v) ((void)((v)->counter--))
#define atomic_add(i, v) ((void)((v)->counter += (i)))
#define atomic_sub(i, v) ((void)((v)->counter -= (i)))
#define atomic_inc_return(v) (++(v)->counter)
#define atomic_dec_return(v) (--(v)->counter)
#define atomic_dec_and_test(v) (--(v)->counter == 0)
#define atomic_long_read(v) ((v)->counter)
#define atomic64_read(v) ((v)->counter)
#define refcount_set(r, n) ((r)->refs = (n))
#define refcount_inc(r) ((void)((r)->refs++))
#define refcount_dec_and_test(r) (--(r)->refs == 0)

struct mutex { int locked; };
struct lock_class_key { int unused; };
#define DEFINE_MUTEX(m) struct mutex m = { 0 }
#define mutex_init(m) ((m)->locked = 0)
#define mutex_lock(m) ((void)(m))
#define mutex_unlock(m) ((void)(m))
#define mutex_lock_interruptible(m) ((void)(m), 0)
#define DEFINE_SPINLOCK(l) spinlock_t l = { 0 }
#define spin_lock_init(l) ((l)->locked = 0)
#define spin_lock(l) ((void)(l))
#define spin_unlock(l) ((void)(l))
#define spin_lock_irqsave(l, f) do { (void)(l); (f) = 0; } while (0)
#define spin_unlock_irqrestore(l, f) do { (void)(l); (void)(f); } while (0)
#define read_lock_irqsave(l, f) spin_lock_irqsave(l, f)
#define read_unlock_irqrestore(l, f) spin_unlock_irqrestore(l, f)
#define write_lock_irqsave(l, f) spin_lock_irqsave(l, f)
#define write_unlock_irqrestore(l, f) spin_unlock_irqrestore(l, f)
#define local_irq_save(f) ((f) = 0)
#define local_irq_restore(f) ((void)(f))
#define rwlock_init(l) ((l)->locked = 0)
#define read_lock(l) ((void)(l))
#define read_unlock(l) ((void)(l))
#define write_lock(l) ((void)(l))
#define write_unlock(l) ((void)(l))
#define lockdep_is_held(l) 1
/* RCU without concurrent readers: publication is a plain pointer store. */
struct rcu_head { void *next; void (*func)(struct rcu_head *head); };
#define rcu_assign_pointer(p, v) ((p) = (v))
#define rcu_dereference(p) (p)
#define rcu_dereference_protected(p, c) (p)
#define rcu_dereference_raw(p) (p)
#define kfree_rcu(p, field) kfree(p)
#define rcu_read_lock() do { } while (0)
#define rcu_read_unlock() do { } while (0)

#define lockdep_assert_held(l) ((void)(l))
#define might_sleep() do { } while (0)
#define cond_resched() do { } while (0)

#endif
