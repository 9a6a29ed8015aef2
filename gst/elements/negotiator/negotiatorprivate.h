/* comedia
 * Copyright (C) 2026 comedia developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* sdp-negotiator's instance, for the files that do its work: the element
 * (sdpnegotiator.cpp: GObject, pads, state changes, signals) and its
 * offer/answer steps (negotiationsteps.cpp).  Nothing else includes it. */

#include "comediasession.h"
#include "iceagent.h"
#include "icebusmessages.h"
#include "negotiatorsettings.h"
#include "niceprovisioner.h"
#include "reoffer.h"
#include "sdpframing.h"

#include <gst/gst.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

/* The element's type, as sdpnegotiator.h declares it: the steps use the
 * instance without the element's header, so that the element includes them
 * and nothing includes the element back. */
typedef struct _ComediaSdpNegotiator ComediaSdpNegotiator;

/* The properties (NegotiatorSettings) and the element's state. */
struct ComediaSdpNegotiatorPrivate : comedia::NegotiatorSettings {
  /* @on_ice_event: called from the agent's thread. */
  ComediaSdpNegotiatorPrivate (ComediaSdpNegotiator * self,
      comedia::IceAgent::EventFunc on_ice_event)
      : nice ((GstElement *) self, std::move (on_ice_event)),
        ice_messages ((GstElement *) self) {}

  std::mutex lock;              /* guards the properties and descriptions */
  std::vector<guint> keepalive_streams;   /* started by this element */
  comedia::SdpMessagePtr local_description;
  comedia::SdpMessagePtr remote_description;
  ComediaSession *session = nullptr;
  bool offer_started = false;   /* the offer task ran since READY */
  comedia::SdpMessagePtr offer;          /* the last offer made, kept to read its answer */
  bool answered = false;        /* an answer to it was applied */
  bool stopping = false;        /* the offer task must end */
  std::condition_variable answered_cond;   /* with lock */

  /* One negotiation at a time: the streaming thread, the offer task and
   * action signals may all start one. */
  std::mutex negotiation_lock;
  /* Answerer: the last answer, for re-offers (with negotiation_lock), and
   * the session it was for. */
  comedia::AnsweredSession last_answer;
  std::string answered_session;
  /* Offerer: the o= of our offers (with negotiation_lock). */
  comedia::SessionOrigin offer_origin;
  bool restart_ice = false;     /* with negotiation_lock: restart-ice asked */

  comedia::SdpFraming framing {DEFAULT_MAX_SIZE};   /* streaming thread only */
  guint64 messages_refused = 0;  /* with lock: the messages-refused property */
  guint64 candidates_skipped = 0;  /* with lock: the candidates-skipped property */
  guint64 candidates_resolved = 0;  /* with lock: the candidates-resolved property */
  bool trickle_on_src = false;  /* with lock: the answer left on the source pad,
                                 * so our trickled candidates follow it there */

  /* No IceAgent call is made with lock held, since the agent's thread
   * takes it to post its events. */
  comedia::NiceProvisioner nice;   /* the agent, made when a nice element is found */
  comedia::IceBusMessages ice_messages;

  std::mutex push_lock;         /* the offer task and the streaming thread push */
  bool src_started = false;     /* stream-start, caps and segment sent */
};

struct _ComediaSdpNegotiator {
  GstElement parent;
  GstPad *sinkpad;
  GstPad *srcpad;
  ComediaSdpNegotiatorPrivate *priv;
};

namespace comedia {

/* The session property's value. */
inline std::string
session_name_of (ComediaSdpNegotiator * self)
{
  std::lock_guard<std::mutex> guard (self->priv->lock);
  return self->priv->session_name;
}

/* @n more of the peer's candidate lines skipped (the candidates-skipped
 * property); the total so far. */
inline guint64
count_skipped_candidates (ComediaSdpNegotiator * self, guint64 n)
{
  std::lock_guard<std::mutex> guard (self->priv->lock);
  return self->priv->candidates_skipped += n;
}

}  // namespace comedia
