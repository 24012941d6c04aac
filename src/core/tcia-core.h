/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "tcia-catalogue.h"
#include "tcia-catalogue-router.h"
#include "tcia-catalogue-sync.h"
#include "tcia-client.h"
#include "tcia-collection.h"
#include "tcia-fetcher.h"
#include "tcia-local-catalogue.h"
#include "tcia-patient.h"
#include "tcia-query.h"
#include "tcia-series.h"
#include "tcia-study.h"
#include "tcia-value.h"
