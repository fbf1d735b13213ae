/**
 * @file cxkit.h
 * @brief Umbrella header: includes every public cxkit header.
 */
#ifndef CX_CXKIT_H
#define CX_CXKIT_H

#include <cxkit/common.h>
#include <cxkit/version.h>
#include <cxkit/errors.h>
#include <cxkit/rng.h>
#include <cxkit/log.h>
#include <cxkit/clv.h>
#include <cxkit/pls.h>

#include <cxkit/survival.h>
#include <cxkit/effects.h>
#include <cxkit/scores.h>
#include <cxkit/drivers.h>
#include <cxkit/sim.h>

#endif /* CX_CXKIT_H */
