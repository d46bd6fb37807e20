/**
 * The network specification a client asks for (a record), its defaults and its validation against the data.
 */
package io.netforge.network;
