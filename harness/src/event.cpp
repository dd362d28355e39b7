#include "event.h"

namespace smmu::harness {

const char *to_string(StoreKind k) {
  switch (k) {
    case StoreKind::Once: return "WRITE_ONCE";
    case StoreKind::Plain: return "plain";
    case StoreKind::Rmw: return "rmw";
  }
  return "?";
}

const char *to_string(BarrierKind k) {
  switch (k) {
    case BarrierKind::DmaWmb: return "dma_wmb";
    case BarrierKind::DmaRmb: return "dma_rmb";
    case BarrierKind::DmaMb: return "dma_mb";
    case BarrierKind::Wmb: return "wmb";
    case BarrierKind::Rmb: return "rmb";
    case BarrierKind::Mb: return "mb";
    case BarrierKind::SmpWmb: return "smp_wmb";
    case BarrierKind::SmpRmb: return "smp_rmb";
    case BarrierKind::SmpMb: return "smp_mb";
  }
  return "?";
}

// arch/arm64/include/asm/barrier.h
const char *arm64_instruction(BarrierKind k) {
  switch (k) {
    case BarrierKind::DmaWmb: return "DMB OSHST";
    case BarrierKind::DmaRmb: return "DMB OSHLD";
    case BarrierKind::DmaMb: return "DMB OSH";
    case BarrierKind::Wmb: return "DSB ST";
    case BarrierKind::Rmb: return "DSB LD";
    case BarrierKind::Mb: return "DSB SY";
    case BarrierKind::SmpWmb: return "DMB ISHST";
    case BarrierKind::SmpRmb: return "DMB ISHLD";
    case BarrierKind::SmpMb: return "DMB ISH";
  }
  return "?";
}

const char *to_string(CmoKind k) {
  switch (k) {
    case CmoKind::Clean: return "clean";
    case CmoKind::CleanInval: return "clean_inval";
    case CmoKind::Inval: return "inval";
  }
  return "?";
}

const char *to_string(DescKind k) {
  switch (k) {
    case DescKind::Ste: return "STE";
    case DescKind::Cd: return "CD";
    case DescKind::L1Std: return "L1STD";
    case DescKind::L1Cd: return "L1CD";
    case DescKind::PgTable: return "PTE";
  }
  return "?";
}

}  // namespace smmu::harness
